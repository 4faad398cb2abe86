import { StravaApiError, type StravaApiErrorOptions } from './strava-api-error.ts';

/** Which client setting Strava refused. */
export type ClientField = 'client_id' | 'client_secret' | 'redirect_uri';

const REMEDIES: Record<ClientField, string> = {
  client_id:
    'Check the client id: it is the number shown as "Client ID" on https://www.strava.com/settings/api (strava-auth reads it from STRAVA_CLIENT_ID).',
  client_secret:
    'Check the client secret: copy it again from https://www.strava.com/settings/api (strava-auth reads it from STRAVA_CLIENT_SECRET). Strava only accepts it in the request body, not with HTTP Basic.',
  redirect_uri:
    'The redirect URI must be inside the app\'s "Authorization Callback Domain" on https://www.strava.com/settings/api (localhost and 127.0.0.1 are always allowed).',
};

const SUMMARIES: Record<ClientField, string> = {
  client_id: 'Strava does not know this client id.',
  client_secret: 'Strava rejected the client secret.',
  redirect_uri: "Strava refused the redirect URI: it is not inside the app's Authorization Callback Domain.",
};

/** Strava refused the application's credentials or redirect URI (`Application/<field>/invalid`). */
export class InvalidClientError extends StravaApiError {
  readonly field: ClientField;

  constructor(field: ClientField, options: Omit<StravaApiErrorOptions, 'code' | 'remedy'>) {
    super(SUMMARIES[field], { ...options, code: `invalid_${field}`, remedy: REMEDIES[field] });
    this.field = field;
  }
}

import { StravaApiError, type StravaApiErrorOptions } from './strava-api-error.ts';

/** Strava refused the application itself (`401 Application//invalid`). */
export class ApplicationError extends StravaApiError {
  constructor(options: Omit<StravaApiErrorOptions, 'code' | 'remedy'>) {
    super('Strava refused the application (Application invalid).', {
      ...options,
      code: 'application_invalid',
      remedy: 'Check the client id and secret, and the app\'s status on https://www.strava.com/settings/api.',
    });
  }
}

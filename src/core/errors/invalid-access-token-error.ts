import { StravaApiError, type StravaApiErrorOptions } from './strava-api-error.ts';

/** Strava refused the access token (`Athlete/access_token/invalid`): expired, revoked or wrong. */
export class InvalidAccessTokenError extends StravaApiError {
  constructor(options: Omit<StravaApiErrorOptions, 'code' | 'remedy'>) {
    super('Strava rejected the access token: it has expired, was revoked, or is not a Strava token.', {
      ...options,
      code: 'invalid_access_token',
      remedy: 'Refresh the tokens (strava-auth refresh) or, if that fails, log in again (strava-auth login).',
    });
  }
}

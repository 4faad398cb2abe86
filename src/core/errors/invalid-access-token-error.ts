import { StravaApiError, type StravaApiErrorOptions } from './strava-api-error.ts';

/** Strava refused the access token (`Athlete/access_token/invalid`): expired, revoked or wrong. */
export class InvalidAccessTokenError extends StravaApiError {
  /** @param options.loginCommand the command (or page) that authorizes again, named in the remedy when set. */
  constructor(options: Omit<StravaApiErrorOptions, 'code' | 'remedy'> & { loginCommand?: string | undefined }) {
    super('Strava rejected the access token: it has expired, was revoked, or is not a Strava token.', {
      ...options,
      code: 'invalid_access_token',
      remedy: options.loginCommand
        ? `Refresh the tokens or, if Strava refuses the refresh token, log in again (${options.loginCommand}).`
        : 'Refresh the tokens (TokenManager does) or, if Strava refuses the refresh token, ask the athlete to authorize the app again.',
    });
  }
}

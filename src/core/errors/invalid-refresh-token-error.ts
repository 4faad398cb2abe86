import { StravaApiError, type StravaApiErrorOptions } from './strava-api-error.ts';

/**
 * Strava refused the refresh token (`RefreshToken/refresh_token/invalid`): it was rotated away,
 * revoked, or the athlete removed the app. Only a new login fixes this.
 */
export class InvalidRefreshTokenError extends StravaApiError {
  /**
   * @param options.loginCommand the command (or page) that authorizes again, named in the remedy;
   * without it the remedy says in neutral words to ask the athlete to authorize the app again.
   */
  constructor(options: Omit<StravaApiErrorOptions, 'code' | 'remedy'> & { loginCommand?: string | undefined }) {
    super('Strava rejected the refresh token: it was replaced by a newer one, revoked, or the athlete removed the app.', {
      ...options,
      code: 'invalid_refresh_token',
      remedy: options.loginCommand
        ? `The athlete must log in again (${options.loginCommand}).`
        : 'Ask the athlete to authorize the app again: only a new authorization brings a new refresh token.',
    });
  }
}

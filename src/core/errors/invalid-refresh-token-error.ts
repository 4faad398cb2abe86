import { StravaApiError, type StravaApiErrorOptions } from './strava-api-error.ts';

/**
 * Strava refused the refresh token (`RefreshToken/refresh_token/invalid`): it was rotated away,
 * revoked, or the athlete removed the app. Only a new login fixes this.
 */
export class InvalidRefreshTokenError extends StravaApiError {
  constructor(options: Omit<StravaApiErrorOptions, 'code' | 'remedy'> & { loginCommand?: string }) {
    super('Strava rejected the refresh token: it was replaced by a newer one, revoked, or the athlete removed the app.', {
      ...options,
      code: 'invalid_refresh_token',
      remedy: `The athlete must log in again (${options.loginCommand ?? 'strava-auth login'}).`,
    });
  }
}

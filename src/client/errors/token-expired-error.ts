import { StravaAuthError } from '../../core/errors/strava-auth-error.ts';

/**
 * The token provider handed out an access token that has already expired, even when asked to
 * refresh: the client refuses to send it (an expired token only earns a 401).
 */
export class TokenExpiredError extends StravaAuthError {
  readonly expiresAt: number;

  constructor(expiresAt: number) {
    super(`The access token expired at ${new Date(expiresAt * 1000).toISOString()} and the token provider did not renew it.`, {
      code: 'token_expired',
      remedy: 'The token provider must renew expired tokens (TokenManager does); if Strava refuses the refresh token, the athlete must authorize the app again.',
    });
    this.expiresAt = expiresAt;
  }
}

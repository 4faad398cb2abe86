import { StravaAuthError } from './strava-auth-error.ts';

/** A record given to `AuthorizationRequest.restore` that is not one `serialize()` made (or made for another app). */
export class InvalidPendingLoginError extends StravaAuthError {
  constructor(problem: string) {
    super(`The pending login cannot be restored: ${problem}.`, {
      code: 'invalid_pending_login',
      remedy: 'Store what serialize() returned as it is, and restore it with the same app configuration; otherwise start a new login.',
    });
  }
}

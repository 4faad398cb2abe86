import { StravaAuthError } from './strava-auth-error.ts';

/** The redirect back from Strava is not usable: no code, or an `error` other than access_denied. */
export class CallbackError extends StravaAuthError {
  /** The `error` parameter of the callback, when there was one. */
  readonly error: string | undefined;

  constructor(summary: string, error?: string) {
    super(summary, {
      code: 'invalid_callback',
      remedy: 'Paste the whole address the browser was sent to after "Authorize" (it contains code=...), or start the login again.',
    });
    this.error = error;
  }
}

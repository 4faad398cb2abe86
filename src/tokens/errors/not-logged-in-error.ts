import { StravaAuthError } from '../../core/errors/strava-auth-error.ts';

/** The store holds no tokens under this key: nobody logged in (or the tokens were removed). */
export class NotLoggedInError extends StravaAuthError {
  /** The store key (profile name or athlete id) that was looked up. */
  readonly key: string;

  /** @param options.loginCommand the command (or page) that logs in, named in the remedy when set. */
  constructor(key: string, options: { loginCommand?: string | undefined } = {}) {
    super(`No Strava tokens are stored for "${key}".`, {
      code: 'not_logged_in',
      remedy: options.loginCommand
        ? `Log in first (${options.loginCommand}).`
        : `Ask the athlete to authorize the app, then store the tokens under "${key}".`,
    });
    this.key = key;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), key: this.key };
  }
}

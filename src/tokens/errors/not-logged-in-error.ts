import { StravaAuthError } from '../../core/errors/strava-auth-error.ts';

/** The store holds no tokens under this key: nobody logged in (or the tokens were removed). */
export class NotLoggedInError extends StravaAuthError {
  /** The store key (profile name or athlete id) that was looked up. */
  readonly key: string;

  constructor(key: string, options: { loginCommand?: string } = {}) {
    super(`No Strava tokens are stored for "${key}".`, {
      code: 'not_logged_in',
      remedy: `Log in first (${options.loginCommand ?? 'strava-auth login'}).`,
    });
    this.key = key;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), key: this.key };
  }
}

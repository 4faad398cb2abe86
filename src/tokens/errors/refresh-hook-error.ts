import { StravaAuthError } from '../../core/errors/strava-auth-error.ts';

/**
 * The application's `onRefresh` hook threw. The refreshed tokens were already saved in the token
 * store before the hook ran, so nothing is lost; the next call returns them without refreshing.
 */
export class RefreshHookError extends StravaAuthError {
  readonly key: string;

  constructor(key: string, cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(`The onRefresh hook failed for "${key}": ${detail}`, {
      code: 'on_refresh_failed',
      remedy: 'The new tokens are saved in the token store; fix the hook (see the cause) so your own copy stays current.',
      cause,
    });
    this.key = key;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), key: this.key };
  }
}

import { StravaAuthError } from '../../core/errors/strava-auth-error.ts';

/**
 * Strava issued new tokens but the token store could not save them (disk full, permissions, a
 * database down), even after retries. Strava may already have retired the old refresh token, so
 * the new set is precious: the token manager keeps it in memory and saves it on its next call,
 * before anything else. No caller receives a token that is not saved.
 */
export class TokensNotSavedError extends StravaAuthError {
  readonly key: string;

  constructor(key: string, cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(`Strava issued new tokens for "${key}" but the token store could not save them: ${detail}`, {
      code: 'tokens_not_saved',
      remedy:
        'Fix the store (disk space, permissions, database), then call again: this process keeps the new tokens and saves them first. If it exits before that, the athlete must log in again.',
      cause,
    });
    this.key = key;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), key: this.key };
  }
}

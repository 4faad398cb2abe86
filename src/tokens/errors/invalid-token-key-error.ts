import { StravaAuthError } from '../../core/errors/strava-auth-error.ts';

/**
 * A store key (profile name or athlete id) that is not allowed. Keys become file names in a file
 * store, so they are restricted to a safe alphabet in every store alike.
 */
export class InvalidTokenKeyError extends StravaAuthError {
  readonly key: string;

  constructor(key: string) {
    super(`${JSON.stringify(key)} cannot name a token profile.`, {
      code: 'invalid_key',
      remedy:
        'Use 1 to 64 characters: lowercase letters, digits, ".", "_" and "-", starting with a letter or digit (e.g. "default", "work", "12345").',
    });
    this.key = key;
  }
}

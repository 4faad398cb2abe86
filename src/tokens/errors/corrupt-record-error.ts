import { StravaAuthError } from '../../core/errors/strava-auth-error.ts';

/**
 * A stored record (a database row) could not be read back. The row is left as it is; the message
 * names the key and the problem, never a value from it (values may be tokens).
 */
export class CorruptRecordError extends StravaAuthError {
  readonly key: string;
  readonly store: string;
  /** What is wrong, e.g. `tokens.refreshToken is missing`. */
  readonly problem: string;

  constructor(options: { key: string; store: string; problem: string; remedy?: string }) {
    super(`The stored tokens of "${options.key}" in ${options.store} are unusable: ${options.problem}.`, {
      code: 'corrupt_record',
      remedy: options.remedy ?? 'Log in again for this key to replace the record, or delete it; it is never overwritten automatically.',
    });
    this.key = options.key;
    this.store = options.store;
    this.problem = options.problem;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), key: this.key, store: this.store, problem: this.problem };
  }
}

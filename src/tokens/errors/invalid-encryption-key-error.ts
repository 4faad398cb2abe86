import { StravaAuthError } from '../../core/errors/strava-auth-error.ts';

/**
 * An encryption key that cannot be used: not base64, or not 32 bytes once decoded. The message
 * names where the key came from (the variable or option) and never quotes it.
 */
export class InvalidEncryptionKeyError extends StravaAuthError {
  /** Where the key came from, e.g. `STRAVA_AUTH_ENCRYPTION_KEY` or `STRAVA_AUTH_ENCRYPTION_OLD_KEYS (key 2)`. */
  readonly source: string;
  /** What is wrong, e.g. `it decodes to 16 bytes, not 32`. */
  readonly problem: string;

  constructor(options: { source: string; problem: string }) {
    super(`The encryption key in ${options.source} cannot be used: ${options.problem}.`, {
      code: 'invalid_encryption_key',
      remedy: 'Give 32 random bytes in base64, for example the output of: openssl rand -base64 32',
    });
    this.source = options.source;
    this.problem = options.problem;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), source: this.source, problem: this.problem };
  }
}

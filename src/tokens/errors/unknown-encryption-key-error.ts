import { StravaAuthError } from '../../core/errors/strava-auth-error.ts';
import { ENCRYPTION_KEY_VARIABLE, OLD_ENCRYPTION_KEYS_VARIABLE } from '../token-cipher.ts';

/**
 * The stored tokens were encrypted with a key that is not among the keys given (a key rotated
 * away too early, or the wrong key set). Nothing is changed; the message names the key id.
 */
export class UnknownEncryptionKeyError extends StravaAuthError {
  readonly key: string;
  /** The id of the key that sealed the record. */
  readonly keyId: string;
  /** The ids of the keys that were given, current first. */
  readonly knownKeyIds: readonly string[];

  constructor(options: { key: string; keyId: string; knownKeyIds: readonly string[] }) {
    super(
      `The tokens of "${options.key}" were encrypted with key id ${options.keyId}, which is not among the keys given (${options.knownKeyIds.join(', ')}).`,
      {
        code: 'unknown_encryption_key',
        remedy: `Set ${ENCRYPTION_KEY_VARIABLE} to that key, or add it to ${OLD_ENCRYPTION_KEYS_VARIABLE} while rotating (a key's id is the first 8 hex digits of its SHA-256).`,
      },
    );
    this.key = options.key;
    this.keyId = options.keyId;
    this.knownKeyIds = options.knownKeyIds;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), key: this.key, keyId: this.keyId, knownKeyIds: this.knownKeyIds };
  }
}

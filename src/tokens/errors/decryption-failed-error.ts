import { StravaAuthError } from '../../core/errors/strava-auth-error.ts';
import { ENCRYPTION_KEY_VARIABLE } from '../token-cipher.ts';

/**
 * Encrypted tokens did not open: the text was changed (tampered with, or truncated), it belongs
 * to another record (sealed values are bound to their key), or the key given under that id is a
 * different one. Nothing is changed and nothing is overwritten.
 */
export class DecryptionFailedError extends StravaAuthError {
  readonly key: string;
  /** The key id the sealed text names, when it names one. */
  readonly keyId: string | undefined;
  /** What failed, e.g. `the authentication tag does not match`. */
  readonly problem: string;

  constructor(options: { key: string; keyId?: string | undefined; problem: string }) {
    super(`The encrypted tokens of "${options.key}"${options.keyId ? ` (key id ${options.keyId})` : ''} could not be decrypted: ${options.problem}.`, {
      code: 'decryption_failed',
      remedy: `Check that ${ENCRYPTION_KEY_VARIABLE} holds the key that encrypted them; if the record itself was damaged, log in again to replace it.`,
    });
    this.key = options.key;
    this.keyId = options.keyId;
    this.problem = options.problem;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), key: this.key, keyId: this.keyId, problem: this.problem };
  }
}

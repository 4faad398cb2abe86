import { StravaAuthError } from '../../core/errors/strava-auth-error.ts';
import { ENCRYPTION_KEY_VARIABLE } from '../token-cipher.ts';

/**
 * The stored tokens are encrypted and no encryption key was given: they cannot be read, and
 * writing plaintext over them is refused, so tokens never silently lose their encryption.
 */
export class EncryptionKeyMissingError extends StravaAuthError {
  /** The store key (profile name or athlete id) of the record. */
  readonly key: string;
  /** The id of the key that sealed the record, when known. */
  readonly keyId: string | undefined;

  constructor(options: { key: string; keyId?: string | undefined; action?: 'read' | 'overwrite' }) {
    const what = options.action === 'overwrite' ? 'cannot be replaced by unencrypted ones' : 'cannot be read';
    super(
      `The tokens of "${options.key}" are encrypted${options.keyId ? ` (key id ${options.keyId})` : ''} and ${ENCRYPTION_KEY_VARIABLE} is not set, so they ${what}.`,
      {
        code: 'encryption_key_missing',
        remedy: `Set ${ENCRYPTION_KEY_VARIABLE} to the key that encrypted them (32 bytes, base64). If that key is lost, delete the stored tokens and authorize the app again.`,
      },
    );
    this.key = options.key;
    this.keyId = options.keyId;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), key: this.key, keyId: this.keyId };
  }
}

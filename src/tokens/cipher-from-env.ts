import { AesGcmCipher } from './aes-gcm-cipher.ts';
import { InvalidEncryptionKeyError } from './errors/invalid-encryption-key-error.ts';
import { ENCRYPTION_KEY_VARIABLE, OLD_ENCRYPTION_KEYS_VARIABLE } from './token-cipher.ts';

/**
 * The cipher the environment asks for: {@link ENCRYPTION_KEY_VARIABLE} (32 bytes, base64) seals
 * every write, and {@link OLD_ENCRYPTION_KEYS_VARIABLE} (comma-separated base64) lists retired keys
 * that stay readable during a rotation. Resolves to undefined when no key is set (tokens are then
 * stored unencrypted, and encrypted ones are refused with `EncryptionKeyMissingError`).
 * Throws `InvalidEncryptionKeyError` naming the variable for a malformed key; old keys without a
 * current key are refused too, since nothing could be written.
 *
 * Takes the environment as an argument (no `process`), so it runs wherever the tokens code does.
 *
 * @example
 * const store = new FileStore({ cipher: await cipherFromEnv(process.env) });
 */
export async function cipherFromEnv(env: Readonly<Record<string, string | undefined>>): Promise<AesGcmCipher | undefined> {
  const current = env[ENCRYPTION_KEY_VARIABLE]?.trim();
  const old = (env[OLD_ENCRYPTION_KEYS_VARIABLE] ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter((key) => key !== '');
  if (!current) {
    if (old.length === 0) return undefined;
    throw new InvalidEncryptionKeyError({
      source: ENCRYPTION_KEY_VARIABLE,
      problem: `it is not set while ${OLD_ENCRYPTION_KEYS_VARIABLE} is set (old keys only read; the current key is the one writes use)`,
    });
  }
  return AesGcmCipher.create({
    key: { key: current, source: ENCRYPTION_KEY_VARIABLE },
    oldKeys: old.map((key, i) => ({ key, source: `${OLD_ENCRYPTION_KEYS_VARIABLE} (key ${i + 1})` })),
  });
}

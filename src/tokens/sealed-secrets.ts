import type { TokenSetData } from '../core/token-set.ts';
import { CorruptRecordError } from './errors/corrupt-record-error.ts';
import { EncryptionKeyMissingError } from './errors/encryption-key-missing-error.ts';
import { isSealed, sealedKeyId, type TokenCipher } from './token-cipher.ts';

/** The secret part of a record: what encryption at rest protects. */
export interface TokenSecrets {
  accessToken: string;
  refreshToken: string;
}

/** The secrets as a store keeps them: plaintext JSON, or sealed text naming its key. */
export interface SealedSecrets {
  text: string;
  /** The key that sealed `text`, or null when it is plaintext. */
  keyId: string | null;
}

/**
 * Turns the tokens of a record into the text a store writes. With a cipher the text is sealed
 * under the cipher's current key and bound to `key`; without one it is plaintext JSON.
 *
 * A store without a cipher must not write plaintext over a record it holds sealed: check with
 * {@link assertPlaintextAllowed} first.
 */
export async function sealSecrets(tokens: Pick<TokenSetData, 'accessToken' | 'refreshToken'>, key: string, cipher?: TokenCipher): Promise<SealedSecrets> {
  const plaintext = JSON.stringify({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken });
  if (!cipher) return { text: plaintext, keyId: null };
  return { text: await cipher.seal(plaintext, key), keyId: cipher.currentKeyId };
}

/**
 * Reads what {@link sealSecrets} wrote. Plaintext stays readable with or without a cipher, so a
 * store can be encrypted after the fact; sealed text needs a cipher that knows its key.
 *
 * Throws `EncryptionKeyMissingError` (sealed, no cipher), `UnknownEncryptionKeyError` or
 * `DecryptionFailedError` (from the cipher), and `CorruptRecordError` naming `store` when the
 * text does not hold both tokens.
 */
export async function openSecrets(text: string, key: string, cipher?: TokenCipher, store = 'the token store'): Promise<TokenSecrets> {
  let plaintext = text;
  if (isSealed(text)) {
    if (!cipher) throw new EncryptionKeyMissingError({ key, keyId: sealedKeyId(text) });
    plaintext = await cipher.open(text, key);
  }
  let value: Partial<TokenSecrets> | null;
  try {
    value = JSON.parse(plaintext) as Partial<TokenSecrets> | null;
  } catch {
    throw new CorruptRecordError({ key, store, problem: 'the tokens are neither JSON nor encrypted text' });
  }
  for (const field of ['accessToken', 'refreshToken'] as const) {
    const token = value?.[field];
    if (typeof token !== 'string' || token === '') throw new CorruptRecordError({ key, store, problem: `${field} is missing or empty` });
  }
  return { accessToken: value!.accessToken!, refreshToken: value!.refreshToken! };
}

/**
 * Refuses to replace sealed secrets with plaintext: a store without a cipher calls it with what
 * it holds before writing, so a process missing the key never silently decrypts a record.
 * Throws `EncryptionKeyMissingError`.
 */
export function assertPlaintextAllowed(existing: string | undefined, key: string, cipher?: TokenCipher): void {
  if (!cipher && existing !== undefined && isSealed(existing)) {
    throw new EncryptionKeyMissingError({ key, keyId: sealedKeyId(existing), action: 'overwrite' });
  }
}

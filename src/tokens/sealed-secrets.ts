import type { TokenSetData } from '../core/token-set.ts';
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
 */
export async function sealSecrets(tokens: Pick<TokenSetData, 'accessToken' | 'refreshToken'>, key: string, cipher?: TokenCipher): Promise<SealedSecrets> {
  const plaintext = JSON.stringify({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken });
  if (!cipher) return { text: plaintext, keyId: null };
  return { text: await cipher.seal(plaintext, key), keyId: cipher.currentKeyId };
}

/**
 * Reads what {@link sealSecrets} wrote. Plaintext stays readable with or without a cipher, so a
 * store can be encrypted after the fact; sealed text needs a cipher that knows its key.
 */
export async function openSecrets(text: string, key: string, cipher?: TokenCipher): Promise<TokenSecrets> {
  let plaintext = text;
  if (isSealed(text)) {
    if (!cipher) throw new Error(`The tokens of "${key}" are encrypted (key id ${sealedKeyId(text) ?? 'unknown'}) and no encryption key is set.`);
    plaintext = await cipher.open(text, key);
  }
  const value = JSON.parse(plaintext) as Partial<TokenSecrets>;
  if (typeof value.accessToken !== 'string' || typeof value.refreshToken !== 'string') throw new Error(`The stored tokens of "${key}" are not readable.`);
  return { accessToken: value.accessToken, refreshToken: value.refreshToken };
}

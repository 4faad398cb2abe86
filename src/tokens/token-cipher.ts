/**
 * Encryption at rest, as every store sees it. A store never handles keys or algorithms: it hands
 * the secret part of a record (the tokens) to a cipher and keeps the text it gets back. The text
 * names the key that sealed it, so keys can rotate: old keys stay readable, new writes use the
 * current key.
 *
 * The AES-256-GCM implementation (WebCrypto, runtime-agnostic) lives in `aes-gcm-cipher.ts`.
 */
export interface TokenCipher {
  /** The id of the key new writes are sealed with. */
  readonly currentKeyId: string;
  /**
   * Seals `plaintext`. `context` (the record's key) is bound to the result as additional data,
   * so a sealed value copied onto another athlete's row does not open.
   * The result starts with {@link SEALED_PREFIX}.
   */
  seal(plaintext: string, context: string): Promise<string>;
  /** Opens what {@link seal} made; throws a typed error on a wrong or unknown key. */
  open(sealed: string, context: string): Promise<string>;
}

/** Every sealed value starts with this; anything else is a plaintext (unencrypted) record. */
export const SEALED_PREFIX = 'enc:v1:';

/** True when `text` was made by a {@link TokenCipher}. */
export function isSealed(text: string): boolean {
  return text.startsWith(SEALED_PREFIX);
}

/** The key id a sealed value names (`enc:v1:<keyId>:<iv>:<ciphertext>`), or undefined for plaintext. */
export function sealedKeyId(text: string): string | undefined {
  if (!isSealed(text)) return undefined;
  const rest = text.slice(SEALED_PREFIX.length);
  const end = rest.indexOf(':');
  return end > 0 ? rest.slice(0, end) : undefined;
}

/** The variable holding the current encryption key (32 bytes, base64): new writes use it. */
export const ENCRYPTION_KEY_VARIABLE = 'STRAVA_AUTH_ENCRYPTION_KEY';

/** The variable holding retired keys (comma-separated base64): still readable, never written with. */
export const OLD_ENCRYPTION_KEYS_VARIABLE = 'STRAVA_AUTH_ENCRYPTION_OLD_KEYS';

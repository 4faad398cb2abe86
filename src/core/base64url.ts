/**
 * Base64 for bytes, on the platform's `btoa`/`atob` (Node, Bun, Deno, browsers, edge workers): one
 * home for the conversions that random tokens, sealed token text and the redactor's Basic
 * credentials need.
 */

/** `bytes` as standard, padded base64. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** `bytes` as unpadded base64url (`-` and `_`, no `=`). */
export function bytesToBase64Url(bytes: Uint8Array): string {
  return bytesToBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Decodes standard base64 (padded or not) or base64url; returns undefined for anything else, so a
 * caller can say which input was wrong without quoting it.
 */
export function base64ToBytes(text: string): Uint8Array | undefined {
  if (!BASE64.test(text) && !BASE64URL.test(text)) return undefined;
  const standard = text.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  if (standard.length % 4 === 1) return undefined;
  let binary: string;
  try {
    binary = atob(standard.padEnd(Math.ceil(standard.length / 4) * 4, '='));
  } catch {
    return undefined;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

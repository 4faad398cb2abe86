import { bytesToBase64Url } from './base64url.ts';

/**
 * A URL-safe random string from the platform's CSPRNG (Web Crypto, present in Node, Bun, Deno and
 * edge workers). 32 bytes = 256 bits by default; never fewer than 16 bytes (128 bits).
 */
export function randomToken(bytes = 32): string {
  const buffer = new Uint8Array(Math.max(16, bytes));
  globalThis.crypto.getRandomValues(buffer);
  return bytesToBase64Url(buffer);
}

/**
 * Compares two strings in time that depends only on their lengths, so an attacker probing a
 * callback cannot learn the expected state one character at a time.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const length = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  for (let i = 0; i < length; i++) diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  return diff === 0;
}

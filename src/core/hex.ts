/** Hex for bytes and SHA-256 digests, on Web Crypto (so it runs wherever the core does). */

/** `bytes` as lowercase hex. */
export function toHex(bytes: ArrayBuffer | Uint8Array): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The SHA-256 of `text` (UTF-8), as lowercase hex. */
export async function sha256Hex(text: string): Promise<string> {
  return toHex(await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

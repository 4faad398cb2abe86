/** Asserting that no secret, in any form a server may echo it in, is in some text. */
import assert from 'node:assert/strict';

/** A secret as written, URL-encoded, form-encoded and JSON-escaped. */
export function forms(secret: string): string[] {
  return [secret, encodeURIComponent(secret), new URLSearchParams({ x: secret }).toString().slice(2), JSON.stringify(secret).slice(1, -1)];
}

/** Fails naming where and which form of which secret is in `text`. */
export function assertNoSecret(text: string, where: string, secrets: readonly string[]): void {
  for (const secret of secrets) for (const form of forms(secret)) assert.ok(!text.includes(form), `${where} holds ${JSON.stringify(form)}: ${text}`);
}

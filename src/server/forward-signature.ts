/**
 * Signatures of events `serve` forwards to the app, after Stripe's scheme: HMAC-SHA256 over
 * `<timestamp>.<body>` with a shared secret, sent as `Strava-Auth-Signature: t=<unix s>,v1=<hex>`.
 * The timestamp inside the signed text stops a captured event from being replayed later. WebCrypto
 * only, so it runs wherever the receiving app does.
 */
import { toHex } from '../core/hex.ts';
import { WebhookSignatureError } from './errors/webhook-signature-error.ts';
import { parseWebhookEvent, type WebhookEvent } from './webhook-event.ts';

/** The header that carries the signature. */
export const SIGNATURE_HEADER = 'Strava-Auth-Signature';

/** Default of how old a signature may be: five minutes, like Stripe. */
export const DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 300;

const encoder = new TextEncoder();

function hmacKey(secret: string, usage: 'sign' | 'verify'): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [usage]);
}

function fromHex(hex: string): Uint8Array<ArrayBuffer> | null {
  if (!/^(?:[0-9a-f]{2})+$/i.test(hex)) return null;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/** The header value for `body` signed at `timestampSeconds`. */
export async function signForwardedEvent(secret: string, body: string, timestampSeconds: number): Promise<string> {
  const signature = await crypto.subtle.sign('HMAC', await hmacKey(secret, 'sign'), encoder.encode(`${timestampSeconds}.${body}`));
  return `t=${timestampSeconds},v1=${toHex(signature)}`;
}

/**
 * Checks a forwarded event and returns it: the header's timestamp within `toleranceSeconds` of
 * `nowMs`, one of its `v1` signatures matching HMAC-SHA256(secret, `t.body`) (compared by
 * WebCrypto's verify, in constant time), and the body an event. Pass the raw body text, before
 * any JSON parsing. Throws {@link WebhookSignatureError} otherwise.
 *
 * @example
 * app.post('/strava-events', async (c) => {
 *   const body = await c.req.text();
 *   const event = await verifyForwardedEvent(secret, c.req.header('strava-auth-signature'), body, Date.now());
 *   // ... handle event (dedupe on the Strava-Auth-Event-Key header) ...
 *   return c.body(null, 204);
 * });
 */
export async function verifyForwardedEvent(
  secret: string,
  header: string | null | undefined,
  body: string,
  nowMs: number,
  options: { toleranceSeconds?: number } = {},
): Promise<WebhookEvent> {
  if (!header) throw new WebhookSignatureError('missing');
  const parts = header.split(',').map((part) => part.trim().split('='));
  const timestamps = parts.filter(([key]) => key === 't').map(([, value]) => value ?? '');
  const signatures = parts.filter(([key]) => key === 'v1').map(([, value]) => fromHex(value ?? ''));
  const timestamp = timestamps.length === 1 && /^\d{1,12}$/.test(timestamps[0]!) ? Number(timestamps[0]) : NaN;
  if (Number.isNaN(timestamp) || signatures.length === 0 || signatures.length > 4 || signatures.some((s) => s === null)) {
    throw new WebhookSignatureError('malformed');
  }
  const tolerance = options.toleranceSeconds ?? DEFAULT_SIGNATURE_TOLERANCE_SECONDS;
  if (Math.abs(nowMs / 1000 - timestamp) > tolerance) throw new WebhookSignatureError('expired');
  const key = await hmacKey(secret, 'verify');
  const signed = encoder.encode(`${timestamp}.${body}`);
  let matched = false;
  for (const signature of signatures) {
    // Every candidate is checked, so the time taken does not say which one matched.
    if (await crypto.subtle.verify('HMAC', key, signature!, signed)) matched = true;
  }
  if (!matched) throw new WebhookSignatureError('mismatch');
  const event = parseWebhookEvent(body);
  if (!event) throw new WebhookSignatureError('not-an-event');
  return event;
}

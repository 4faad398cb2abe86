/**
 * strava-auth: Strava OAuth done right. Everything here is runtime-agnostic (fetch, clock and
 * storage are passed in), so it runs in Node, Bun, Deno and edge workers:
 * - the protocol core: scopes, authorize URL, callback, token endpoint, typed errors;
 * - token storage and the `TokenManager` (single-flight refresh, rotation persisted first);
 * - the `StravaClient` (scope preflight, rate limits, pagination, uploads).
 * Node-only parts are in `strava-auth/node` (file store) and `strava-auth/emulator`.
 * @packageDocumentation
 */
export * from './core/index.ts';
export * from './tokens/index.ts';
export * from './client/index.ts';
// For apps that receive events forwarded by `strava-auth serve` (runtime-agnostic, WebCrypto).
export { verifyForwardedEvent, signForwardedEvent, SIGNATURE_HEADER, DEFAULT_SIGNATURE_TOLERANCE_SECONDS } from './server/forward-signature.ts';
export { WebhookSignatureError, type WebhookSignatureProblem } from './server/errors/webhook-signature-error.ts';
export { parseWebhookEvent, isDeauthorization, webhookEventKey, type WebhookEvent, type WebhookObjectType, type WebhookAspectType } from './server/webhook-event.ts';

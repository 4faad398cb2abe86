/**
 * strava-auth core: Strava OAuth, scopes, token sets and typed errors. Runtime-agnostic (fetch and
 * clock are injected; no Node-only imports), so it runs in Node, Bun, Deno and edge workers.
 * @packageDocumentation
 */
export * from './clock.ts';
export * from './endpoints.ts';
export * from './scopes.ts';
export * from './endpoint-scopes.ts';
export * from './random.ts';
export * from './authorize-url.ts';
export * from './callback.ts';
export * from './authorization-request.ts';
export * from './token-set.ts';
export * from './token-response.ts';
export * from './token-endpoint.ts';
export * from './fresh-authorization.ts';
export * from './push-subscriptions.ts';
export * from './strava-oauth.ts';
export * from './rate-limit.ts';
export * from './retry.ts';
export * from './request-limits.ts';
export * from './transient-error.ts';
export * from './http.ts';
export * from './error-response.ts';
export * from './errors/index.ts';
export * from './redactor.ts';
export * from './terminal-text.ts';

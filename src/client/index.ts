/**
 * strava-auth's Strava API client: typed endpoints, scope preflight, 401 refresh-and-retry,
 * rate-limit tracking and waiting, safe retries, pagination and uploads. Runtime-agnostic (fetch,
 * clock and sleep are injected; no Node-only imports).
 * @packageDocumentation
 */
export * from './strava-client.ts';
export * from './models.ts';
export type { ProvidedTokens, TokenProvider } from './token-provider.ts';
export * from './rate-limit-tracker.ts';
export * from './request-options.ts';
export * from './paginate.ts';
export * from './uploads.ts';
export * from './upload-data-type.ts';
export { isRetryable, neverReachedServer } from './transient-errors.ts';
export * from './errors/index.ts';
export { buildApiRequest, processApiResponse, type ApiResponseContext } from './api-call.ts';

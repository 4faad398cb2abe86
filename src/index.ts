/**
 * strava-auth: Strava OAuth done right. Everything here is runtime-agnostic (fetch, clock and
 * storage are passed in), so it runs in Node, Bun, Deno and edge workers:
 * - the protocol core: scopes, authorize URL, callback, token endpoint, typed errors;
 * - token storage and the `TokenManager` (single-flight refresh, rotation persisted first);
 * - the `StravaClient` (scope preflight, rate limits, pagination, uploads).
 * Node-only parts are in `strava-auth/node` (file store) and `strava-auth/emulator`.
 *
 * Every name is listed on purpose: this file is the contract (api-report/strava-auth.api.md
 * records it). Helpers the library uses inside (request sending, retries, URL joining, form
 * building...) are imported from their own files and are not part of it.
 * @packageDocumentation
 */

// Protocol core: endpoints, scopes, the authorization step, tokens.
export { type Clock, systemClock, ManualClock, type ManualClockOptions } from './core/clock.ts';
export { STRAVA_OAUTH_BASE_URL, STRAVA_API_BASE_URL, STRAVA_API_BASE_URL_2027 } from './core/endpoints.ts';
export {
  SCOPES,
  type Scope,
  SCOPE_DESCRIPTIONS,
  type ScopeWarningHandler,
  isScope,
  parseScopes,
  normalizeScopes,
  effectiveScopes,
  missingScopes,
  hasScopes,
  formatScopes,
} from './core/scopes.ts';
export { type EndpointScopes, ENDPOINT_SCOPES, scopesForEndpoint } from './core/endpoint-scopes.ts';
export { type AuthorizationUrlOptions, type AuthorizationUrl, buildAuthorizationUrl } from './core/authorize-url.ts';
export { type CallbackOptions, type CallbackResult, parseCallback } from './core/callback.ts';
export {
  AuthorizationRequest,
  type PendingLogin,
  type RestoreOptions,
  DEFAULT_PENDING_LOGIN_MAX_AGE_MS,
} from './core/authorization-request.ts';
export { isFreshAuthorization } from './core/fresh-authorization.ts';
export { type AthleteSummary, type TokenSetData, TokenSet } from './core/token-set.ts';
export { type TokenResponseContext, parseTokenResponse } from './core/token-response.ts';
export {
  type OAuthConfig,
  type StepSecrets,
  type TokenResponseOptions,
  buildCodeExchangeRequest,
  processCodeExchangeResponse,
  buildRefreshRequest,
  processRefreshResponse,
  buildRevokeRequest,
  processRevokeResponse,
  buildDeauthorizeRequest,
  processDeauthorizeResponse,
  exchangeCode,
  refreshTokens,
  revokeToken,
  deauthorize,
} from './core/token-endpoint.ts';
export { type StravaOAuthConfig, StravaOAuth } from './core/strava-oauth.ts';
export {
  MAX_CALLBACK_URL_LENGTH,
  type PushSubscriptionConfig,
  type PushSubscription,
  type PushSubscriptionRequest,
  checkCallbackUrl,
  createPushSubscriptionRequest,
  listPushSubscriptionsRequest,
  deletePushSubscriptionRequest,
  processCreatePushSubscription,
  processListPushSubscriptions,
  processDeletePushSubscription,
  createPushSubscription,
  listPushSubscriptions,
  deletePushSubscription,
} from './core/push-subscriptions.ts';
export { type RateLimitBudget, type RateLimitState, parseRateLimitHeaders } from './core/rate-limit.ts';
export { type RetryPolicy, DEFAULT_RETRY_BUDGET_MS, DEFAULT_RETRY, NO_RETRY, type Sleep } from './core/retry.ts';
export { type RequestLimits, DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_MAX_RESPONSE_BYTES } from './core/request-limits.ts';
export type { FetchLike, ReadResponse } from './core/http.ts';

// Errors: one base class, a stable code from ERROR_CODES on each.
export { ERROR_CODES, type StravaAuthErrorCode, isStravaAuthErrorCode } from './core/errors/error-codes.ts';
export { type StravaAuthErrorOptions, StravaAuthError } from './core/errors/strava-auth-error.ts';
export { type StravaFault, type StravaApiErrorOptions, StravaApiError } from './core/errors/strava-api-error.ts';
export { type ClientField, InvalidClientError } from './core/errors/invalid-client-error.ts';
export { InvalidCodeError } from './core/errors/invalid-code-error.ts';
export { AuthorizationExpiredError } from './core/errors/authorization-expired-error.ts';
export { InvalidPendingLoginError } from './core/errors/invalid-pending-login-error.ts';
export { InvalidRefreshTokenError } from './core/errors/invalid-refresh-token-error.ts';
export { InvalidAccessTokenError } from './core/errors/invalid-access-token-error.ts';
export { ApplicationError } from './core/errors/application-error.ts';
export { AppInactiveError } from './core/errors/app-inactive-error.ts';
export { AthleteCapacityError } from './core/errors/athlete-capacity-error.ts';
export { NotFoundError } from './core/errors/not-found-error.ts';
export { CallbackNotVerifiedError } from './core/errors/callback-not-verified-error.ts';
export { SubscriptionExistsError } from './core/errors/subscription-exists-error.ts';
export { InvalidCallbackUrlError } from './core/errors/invalid-callback-url-error.ts';
export { StravaServerError } from './core/errors/server-error.ts';
export { RateLimitError } from './core/errors/rate-limit-error.ts';
export { type MissingScopeErrorOptions, MissingScopeError } from './core/errors/missing-scope-error.ts';
export { InvalidScopeError } from './core/errors/invalid-scope-error.ts';
export { AuthorizationDeniedError } from './core/errors/authorization-denied-error.ts';
export { StateMismatchError } from './core/errors/state-mismatch-error.ts';
export { CallbackError } from './core/errors/callback-error.ts';
export { MalformedResponseError } from './core/errors/malformed-response-error.ts';
export { NetworkError } from './core/errors/network-error.ts';
export { RequestTimeoutError } from './core/errors/request-timeout-error.ts';
export { ResponseTooLargeError } from './core/errors/response-too-large-error.ts';
export { NotLoggedInError } from './tokens/errors/not-logged-in-error.ts';
export { type LockHolder, LockTimeoutError } from './tokens/errors/lock-timeout-error.ts';
export { RefreshHookError } from './tokens/errors/refresh-hook-error.ts';
export { InvalidTokenKeyError } from './tokens/errors/invalid-token-key-error.ts';
export { TokensNotSavedError } from './tokens/errors/tokens-not-saved-error.ts';
export { ScopesNotImportedError } from './tokens/errors/scopes-not-imported-error.ts';
export { StoreUnavailableError } from './tokens/errors/store-unavailable-error.ts';
export { StoreSchemaError } from './tokens/errors/store-schema-error.ts';
export { CorruptRecordError } from './tokens/errors/corrupt-record-error.ts';
export { InvalidEncryptionKeyError } from './tokens/errors/invalid-encryption-key-error.ts';
export { EncryptionKeyMissingError } from './tokens/errors/encryption-key-missing-error.ts';
export { UnknownEncryptionKeyError } from './tokens/errors/unknown-encryption-key-error.ts';
export { DecryptionFailedError } from './tokens/errors/decryption-failed-error.ts';
export { UploadError } from './client/errors/upload-error.ts';
export { UploadTimeoutError } from './client/errors/upload-timeout-error.ts';
export { UploadFormatError } from './client/errors/upload-format-error.ts';
export { TokenExpiredError } from './client/errors/token-expired-error.ts';
export { UploadTooLargeError } from './client/errors/upload-too-large-error.ts';

// Tokens: the store contract, the memory store, the token manager, encryption at rest.
export type { InvalidMark, StoredTokens, LockedTokens, LockOptions, TokenStore } from './tokens/token-store.ts';
export { assertTokenKey, assertStoredTokens } from './tokens/stored-tokens.ts';
export { type MemoryStoreOptions, DEFAULT_LOCK_TIMEOUT_MS, MemoryStore } from './tokens/memory-store.ts';
export {
  DEFAULT_MARGIN_SECONDS,
  type RefreshContext,
  type RefreshHook,
  type TokenManagerOptions,
  type ImportableTokens,
  type ImportOptions,
  type FromTokensOptions,
  TokenManager,
} from './tokens/token-manager.ts';
export { type TokenCipher, ENCRYPTION_KEY_VARIABLE, OLD_ENCRYPTION_KEYS_VARIABLE } from './tokens/token-cipher.ts';
export { type EncryptionKey, type AesGcmCipherOptions, AesGcmCipher } from './tokens/aes-gcm-cipher.ts';
export { cipherFromEnv } from './tokens/cipher-from-env.ts';
export type { KeyOutcome, KeyOutcomes } from './tokens/key-outcomes.ts';
export { type ReencryptOutcome, type ReencryptOptions, reencryptStore } from './tokens/reencrypt-store.ts';
export { type CopyOutcome, type CopyTokensOptions, copyTokens } from './tokens/copy-tokens.ts';

// The API client.
export {
  type RateLimitPolicy,
  type RateLimitEvent,
  type StravaClientOptions,
  type ApiResponse,
  type ClientPaginateOptions,
  type ActivityListQuery,
  DEFAULT_MAX_RATE_LIMIT_WAIT_MS,
  StravaClient,
} from './client/strava-client.ts';
export type { ProvidedTokens, TokenProvider } from './client/token-provider.ts';
export type {
  MetaAthlete,
  SummaryAthlete,
  SummaryGear,
  SummaryClub,
  DetailedAthlete,
  ActivityType,
  LatLng,
  PolylineMap,
  SummaryActivity,
  Lap,
  Split,
  DetailedActivity,
  UpdatableActivity,
  CreateActivityInput,
  ActivityTotal,
  ActivityStats,
  ZoneRange,
  Zones,
  Upload,
} from './client/models.ts';
export { type BudgetStatus, type RateLimitStatus, RateLimitTracker } from './client/rate-limit-tracker.ts';
export type { HttpMethod, QueryValue, FormValue, RequestOptions } from './client/request-options.ts';
export { MAX_PER_PAGE, AUTO_MAX_IN_FLIGHT, type PaginateOptions, type PageSource, paginate } from './client/paginate.ts';
export {
  type UploadInput,
  type UploadWaitOptions,
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_UPLOAD_TIMEOUT_MS,
  MAX_UPLOAD_BYTES,
} from './client/uploads.ts';
export { UPLOAD_DATA_TYPES, type UploadDataType, isUploadDataType, dataTypeFromFilename } from './client/upload-data-type.ts';

// For apps that receive events forwarded by `strava-auth serve` (runtime-agnostic, WebCrypto).
export { verifyForwardedEvent, signForwardedEvent, SIGNATURE_HEADER, DEFAULT_SIGNATURE_TOLERANCE_SECONDS } from './server/forward-signature.ts';
export { WebhookSignatureError, type WebhookSignatureProblem } from './server/errors/webhook-signature-error.ts';
export { parseWebhookEvent, isDeauthorization, webhookEventKey, type WebhookEvent, type WebhookObjectType, type WebhookAspectType } from './server/webhook-event.ts';

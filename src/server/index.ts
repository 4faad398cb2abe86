/**
 * strava-auth/server: the token service behind `strava-auth serve`, as a Hono app over your
 * stores (`createTokenService`), and its Node runner (`startNodeServer`). The service state lives
 * in a ServiceStore: `MemoryServiceStore` here, `SqliteServiceStore` in strava-auth/sqlite,
 * `PostgresServiceStore` in strava-auth/postgres.
 * @packageDocumentation
 */
export { createTokenService, type TokenService, type TokenServiceOptions } from './token-service.ts';
export { startNodeServer, type NodeServerOptions, type RunningServer } from './node-runner.ts';
export type { ServiceStore, ServiceChange, PendingLogin, ApiKeyRecord, AthleteStatus } from './service-store.ts';
export { MemoryServiceStore } from './memory-service-store.ts';
export { generateApiKey, hashApiKey, apiKeysFromEnv, type NewApiKey } from './api-keys.ts';
export { jsonLog, silentLog, type ServiceLog, type LogLevel, type LogFields } from './service-log.ts';
export { ServiceMetrics } from './metrics.ts';
export { webhookRoutes, webhookReceiver, type WebhookDeps, type WebhookReceiver } from './webhook-routes.ts';
export type { WebhookRoutesFactory, WebhookSettings } from './webhook-deps.ts';
export { ServiceError, UnauthorizedError, AthleteNotFoundError, AthleteGoneError, InvalidRequestError, UpstreamError, type GoneReason } from './errors/index.ts';

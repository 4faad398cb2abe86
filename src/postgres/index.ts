/**
 * strava-auth on PostgreSQL: a token store shared by every replica of a service. Needs the `pg`
 * driver (`npm install pg`), loaded on first use.
 * @packageDocumentation
 */
export { PostgresStore, type PostgresConnection, type PostgresStoreOptions } from './postgres-store.ts';
export { POSTGRES_SCHEMA_VERSION } from './postgres-schema.ts';
export type { PgPool, PgPoolClient, PgQueryable, PgResult } from './pg-driver.ts';
export { PostgresDriverMissingError } from './errors/postgres-driver-missing-error.ts';
export { PostgresServiceStore, type PostgresServiceStoreOptions } from './postgres-service-store.ts';
export { POSTGRES_SERVICE_SCHEMA_VERSION } from './postgres-service-schema.ts';

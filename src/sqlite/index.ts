/**
 * strava-auth on Node's built-in SQLite (`node:sqlite`, Node 22.13 or newer): a token store for
 * many athletes in one file, shared safely by every process on the machine.
 * @packageDocumentation
 */
export { SqliteStore, DEFAULT_BUSY_TIMEOUT_MS, type SqliteStoreOptions } from './sqlite-store.ts';
export { SQLITE_SCHEMA_VERSION, SCHEMA_TABLE, TOKENS_TABLE, LOCKS_TABLE } from './sqlite-schema.ts';
export { MIN_NODE_FOR_SQLITE } from './load-sqlite.ts';
export { SqliteServiceStore, type SqliteServiceStoreOptions } from './sqlite-service-store.ts';

/** The tables of `strava-auth serve`'s own state in a SQLite file (beside the token tables). */
import type { SchemaPlan } from './sqlite-schema.ts';

export const SERVICE_SCHEMA_TABLE = 'strava_auth_service_schema';
export const PENDING_LOGINS_TABLE = 'strava_auth_pending_logins';
export const API_KEYS_TABLE = 'strava_auth_api_keys';
export const ATHLETE_STATUS_TABLE = 'strava_auth_athlete_status';
export const WEBHOOK_EVENTS_TABLE = 'strava_auth_webhook_events';

/** Versioned like the token tables, with a version row of their own. */
export const SERVICE_SCHEMA: SchemaPlan = {
  versionTable: SERVICE_SCHEMA_TABLE,
  tables: 'its service tables',
  newerRemedy: 'Upgrade strava-auth in every replica of strava-auth serve that uses this database (a database is never migrated down).',
  migrations: [
    [
      `CREATE TABLE ${PENDING_LOGINS_TABLE} (
        state TEXT PRIMARY KEY NOT NULL,
        scopes TEXT NOT NULL,
        return_to TEXT,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      )`,
      `CREATE TABLE ${API_KEYS_TABLE} (
        id TEXT PRIMARY KEY NOT NULL,
        hash TEXT NOT NULL UNIQUE,
        label TEXT NOT NULL,
        created_at INTEGER NOT NULL
      )`,
      `CREATE TABLE ${ATHLETE_STATUS_TABLE} (
        athlete_id INTEGER PRIMARY KEY NOT NULL,
        status TEXT NOT NULL,
        reason TEXT NOT NULL,
        at INTEGER NOT NULL
      )`,
      `CREATE TABLE ${WEBHOOK_EVENTS_TABLE} (
        event_key TEXT PRIMARY KEY NOT NULL,
        received_at INTEGER NOT NULL
      )`,
    ],
  ],
};

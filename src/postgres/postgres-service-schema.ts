/** The tables of `strava-auth serve`'s own state in PostgreSQL (beside the token table). */
import { assertIdentifier, type PostgresSchemaPlan } from './postgres-schema.ts';

/** The service tables of one schema, quoted and schema-qualified for SQL. */
export interface PostgresServiceTables {
  schema: string;
  pendingLogins: string;
  apiKeys: string;
  athleteStatus: string;
  webhookEvents: string;
  /** One row per applied migration. */
  versions: string;
}

/** Quoted, schema-qualified names of the service tables in `schema`; throws a TypeError for an unsafe name. */
export function postgresServiceTables(schema: string): PostgresServiceTables {
  assertIdentifier('PostgresServiceStore', 'schema', schema);
  const table = (name: string) => `"${schema}"."${name}"`;
  return {
    schema,
    pendingLogins: table('strava_auth_pending_logins'),
    apiKeys: table('strava_auth_api_keys'),
    athleteStatus: table('strava_auth_athlete_status'),
    webhookEvents: table('strava_auth_webhook_events'),
    versions: table('strava_auth_service_version'),
  };
}

/**
 * Migration 1 is the layout the release before versioned migrations made (it created these tables
 * in the connection's search_path and wrote version 1), so a database it made is already current.
 */
function migrations(t: PostgresServiceTables): PostgresSchemaPlan['migrations'] {
  return [
    {
      version: 1,
      description: 'service tables',
      statements: [
        `CREATE TABLE ${t.pendingLogins} (
          state text PRIMARY KEY, scopes text[] NOT NULL, return_to text, created_at bigint NOT NULL, expires_at bigint NOT NULL)`,
        `CREATE TABLE ${t.apiKeys} (
          id text PRIMARY KEY, hash text NOT NULL UNIQUE, label text NOT NULL, created_at bigint NOT NULL)`,
        `CREATE TABLE ${t.athleteStatus} (
          athlete_id bigint PRIMARY KEY, status text NOT NULL, reason text NOT NULL, at bigint NOT NULL)`,
        `CREATE TABLE ${t.webhookEvents} (event_key text PRIMARY KEY, received_at bigint NOT NULL)`,
      ],
    },
  ];
}

/** The version of the service tables this release writes and reads. */
export const POSTGRES_SERVICE_SCHEMA_VERSION = migrations(postgresServiceTables('public')).at(-1)!.version;

/** The service store's plan for the tables in `tables.schema`. */
export function serviceSchemaPlan(tables: PostgresServiceTables): PostgresSchemaPlan {
  return {
    schema: tables.schema,
    versions: tables.versions,
    name: `${tables.schema}.strava_auth_service`,
    subject: `service tables in schema ${tables.schema}`,
    migrations: migrations(tables),
    // The release before made the version table with a version column alone; the row of the next
    // migration needs the other two. Names are [a-z0-9_], so they sit safely in the literal.
    adopt: [
      `DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = '${tables.versions}'::regclass AND attname = 'description' AND NOT attisdropped) THEN
          ALTER TABLE ${tables.versions} ADD PRIMARY KEY (version),
            ADD COLUMN description text NOT NULL DEFAULT 'service tables', ADD COLUMN applied_at timestamptz NOT NULL DEFAULT now();
          ALTER TABLE ${tables.versions} ALTER COLUMN description DROP DEFAULT;
        END IF;
      END $$`,
    ],
    newerRemedy:
      'Upgrade strava-auth (npm install strava-auth@latest) in every replica of strava-auth serve that uses this database; the schema is never migrated down.',
  };
}

/**
 * The tables of a SQLite token store and the migrations that make them. Versions only go up: each
 * migration is a list of statements run once, in order, inside one `BEGIN IMMEDIATE` transaction
 * together with the version bump, so two processes opening a fresh file at once cannot both run
 * it, and a crash half-way leaves the previous version intact.
 */
import type { DatabaseSync } from 'node:sqlite';
import { StoreSchemaError } from '../tokens/errors/store-schema-error.ts';
import { immediateTransaction } from './immediate-transaction.ts';

/** Holds one row: the schema version the tables are at. */
export const SCHEMA_TABLE = 'strava_auth_schema';
/** One row per key: the record, with its secrets as written by `sealSecrets`. */
export const TOKENS_TABLE = 'strava_auth_tokens';
/** One row per held lock: who holds it and until when (see `SqliteStore`). */
export const LOCKS_TABLE = 'strava_auth_locks';

/** Migration `i` brings the tables from version `i` to version `i + 1`. */
const MIGRATIONS: ReadonlyArray<readonly string[]> = [
  [
    `CREATE TABLE ${TOKENS_TABLE} (
      key TEXT PRIMARY KEY NOT NULL,
      secrets TEXT NOT NULL,
      key_id TEXT,
      expires_at INTEGER NOT NULL,
      scopes TEXT NOT NULL,
      athlete TEXT,
      token_type TEXT,
      invalid TEXT,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    )`,
    `CREATE TABLE ${LOCKS_TABLE} (
      key TEXT PRIMARY KEY NOT NULL,
      owner TEXT NOT NULL,
      pid INTEGER,
      hostname TEXT,
      alive_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL
    )`,
  ],
];

/** The schema version this release writes and reads. */
export const SQLITE_SCHEMA_VERSION = MIGRATIONS.length;

/** The version the tables are at; 0 for a database this store never touched. */
function readVersion(db: DatabaseSync): number {
  const table = db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?`).get(SCHEMA_TABLE);
  if (table === undefined) return 0;
  const row = db.prepare(`SELECT version FROM ${SCHEMA_TABLE}`).get() as { version?: unknown } | undefined;
  return typeof row?.version === 'number' ? row.version : 0;
}

/**
 * Brings the tables of `db` to {@link SQLITE_SCHEMA_VERSION}; a no-op when they are there.
 * Throws {@link StoreSchemaError} (and changes nothing) when a newer strava-auth made them.
 * `store` names the database in errors.
 */
export function migrate(db: DatabaseSync, store: string): void {
  const latest = SQLITE_SCHEMA_VERSION;
  immediateTransaction(db, () => {
    const found = readVersion(db);
    if (found > latest) {
      throw new StoreSchemaError({
        store,
        problem: `its tables are at schema version ${found}, written by a newer strava-auth; this release knows version ${latest}`,
        remedy: 'Upgrade strava-auth in every program that uses this database (a database is never migrated down).',
        foundVersion: found,
        supportedVersion: latest,
      });
    }
    if (found === latest) return;
    db.exec(`CREATE TABLE IF NOT EXISTS ${SCHEMA_TABLE} (version INTEGER NOT NULL)`);
    for (const statements of MIGRATIONS.slice(found, latest)) for (const statement of statements) db.exec(statement);
    db.exec(`DELETE FROM ${SCHEMA_TABLE}`);
    db.prepare(`INSERT INTO ${SCHEMA_TABLE} (version) VALUES (?)`).run(latest);
  });
}

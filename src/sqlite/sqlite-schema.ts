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

/** A table holding one schema version, and the migrations that bring its tables up to date. */
export interface SchemaPlan {
  /** Holds one row: the version the tables are at. */
  versionTable: string;
  /** Migration `i` brings the tables from version `i` to version `i + 1`. */
  migrations: ReadonlyArray<readonly string[]>;
  /** Names the tables in errors: `its tables`, `its service tables`. */
  tables: string;
  /** Says what to do when a newer release made the tables. */
  newerRemedy: string;
}

/** The token store's plan. */
export const TOKEN_SCHEMA: SchemaPlan = {
  versionTable: SCHEMA_TABLE,
  migrations: MIGRATIONS,
  tables: 'its tables',
  newerRemedy: 'Upgrade strava-auth in every program that uses this database (a database is never migrated down).',
};

/** The version the tables are at; 0 for a database this plan never touched. */
function readVersion(db: DatabaseSync, versionTable: string): number {
  const table = db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?`).get(versionTable);
  if (table === undefined) return 0;
  const row = db.prepare(`SELECT version FROM ${versionTable}`).get() as { version?: unknown } | undefined;
  return typeof row?.version === 'number' ? row.version : 0;
}

/**
 * Runs the migrations of `plan` that `db` lacks, in one `BEGIN IMMEDIATE` transaction with the
 * version bump (see the module comment). Other tables in the file (another plan's) are untouched.
 * Throws {@link StoreSchemaError} (and changes nothing) when a newer strava-auth made them;
 * `store` names the database in errors.
 */
export function migrateTo(db: DatabaseSync, store: string, plan: SchemaPlan): void {
  const latest = plan.migrations.length;
  immediateTransaction(db, () => {
    const found = readVersion(db, plan.versionTable);
    if (found > latest) {
      throw new StoreSchemaError({
        store,
        problem: `${plan.tables} are at schema version ${found}, written by a newer strava-auth; this release knows version ${latest}`,
        remedy: plan.newerRemedy,
        foundVersion: found,
        supportedVersion: latest,
      });
    }
    if (found === latest) return;
    db.exec(`CREATE TABLE IF NOT EXISTS ${plan.versionTable} (version INTEGER NOT NULL)`);
    for (const statements of plan.migrations.slice(found, latest)) for (const statement of statements) db.exec(statement);
    db.exec(`DELETE FROM ${plan.versionTable}`);
    db.prepare(`INSERT INTO ${plan.versionTable} (version) VALUES (?)`).run(latest);
  });
}

import { StoreSchemaError } from '../tokens/errors/store-schema-error.ts';
import type { PgPool, PgPoolClient, PgQueryable } from './pg-driver.ts';
import { migrationLockName, takeAdvisoryLock } from './postgres-lock.ts';

/** The table names of one store, quoted and schema-qualified for SQL. */
export interface PostgresTables {
  schema: string;
  /** `"schema"."table"`: one row per key. */
  tokens: string;
  /** `"schema"."table_version"`: one row per applied migration. */
  versions: string;
  /** The unquoted name (for advisory lock names and messages). */
  name: string;
}

/** Lowercase SQL identifiers only, so names never need escaping rules beyond double quotes. */
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,54}$/;

/** Quoted, schema-qualified names for `schema` and `table`; throws a TypeError for unsafe names. */
export function postgresTables(schema: string, table: string): PostgresTables {
  for (const [what, name] of [['schema', schema], ['tableName', table]] as const) {
    if (!IDENTIFIER.test(name)) throw new TypeError(`PostgresStore: ${what} must be a lowercase SQL identifier (a-z, 0-9, _; at most 55 characters).`);
  }
  return { schema, name: `${schema}.${table}`, tokens: `"${schema}"."${table}"`, versions: `"${schema}"."${table}_version"` };
}

interface Migration {
  version: number;
  description: string;
  statements(tables: PostgresTables): string[];
}

/**
 * Every schema change, in order, never edited once released: a database is brought from the
 * version it records to the newest by running the ones after it. Secrets are one text column
 * (plaintext JSON or sealed by a cipher, see `sealSecrets`); everything else is a plain column a
 * person can query (`expires_at < now()`), and `key_id` shows which key sealed a row.
 */
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'tokens table',
    statements: (t) => [
      `CREATE TABLE ${t.tokens} (
        key text PRIMARY KEY,
        secrets text NOT NULL,
        key_id text,
        expires_at timestamptz NOT NULL,
        scopes text[] NOT NULL,
        athlete jsonb,
        token_type text,
        invalid jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL
      )`,
    ],
  },
];

/** The schema version this release writes and reads. */
export const POSTGRES_SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;

/** The newest applied version, or 0 when the version table does not exist yet. */
async function appliedVersion(db: PgQueryable, tables: PostgresTables): Promise<number> {
  const exists = await db.query('SELECT to_regclass($1) IS NOT NULL AS exists', [tables.versions]);
  if (exists.rows[0]?.exists !== true) return 0;
  const result = await db.query(`SELECT coalesce(max(version), 0) AS version FROM ${tables.versions}`);
  return Number(result.rows[0]?.version ?? 0);
}

function assertNotNewer(found: number, tables: PostgresTables, label: string): void {
  if (found <= POSTGRES_SCHEMA_VERSION) return;
  throw new StoreSchemaError({
    store: `${label} (table ${tables.name})`,
    problem: `its schema is version ${found}, made by a newer strava-auth (this one knows up to version ${POSTGRES_SCHEMA_VERSION})`,
    remedy: 'Upgrade strava-auth (npm install strava-auth@latest) in every service that uses this database; the schema is never migrated down.',
    foundVersion: found,
    supportedVersion: POSTGRES_SCHEMA_VERSION,
  });
}

async function migrateLocked(client: PgPoolClient, tables: PostgresTables, label: string, lockTimeoutMs: number): Promise<void> {
  await client.query('BEGIN');
  try {
    await takeAdvisoryLock(client, migrationLockName(tables), lockTimeoutMs);
    // Checked first: CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege even when it exists.
    const schema = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [tables.schema]);
    if (schema.rowCount === 0) await client.query(`CREATE SCHEMA "${tables.schema}"`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${tables.versions} (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    // Read again under the lock: another replica may have migrated while this one waited.
    const found = await appliedVersion(client, tables);
    assertNotNewer(found, tables, label);
    for (const migration of MIGRATIONS.filter((m) => m.version > found)) {
      for (const statement of migration.statements(tables)) await client.query(statement);
      await client.query(`INSERT INTO ${tables.versions} (version, description) VALUES ($1, $2)`, [migration.version, migration.description]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

/**
 * Brings the store's tables to {@link POSTGRES_SCHEMA_VERSION}. Idempotent, and safe when several
 * replicas start at once: the work runs in one transaction under an advisory lock, so one replica
 * migrates and the others find it done. The common case (already current) is two reads, no lock.
 * A schema newer than this release throws StoreSchemaError and is left alone.
 */
export async function ensurePostgresSchema(pool: PgPool, tables: PostgresTables, options: { label: string; lockTimeoutMs: number }): Promise<void> {
  const found = await appliedVersion(pool, tables);
  assertNotNewer(found, tables, options.label);
  if (found === POSTGRES_SCHEMA_VERSION) return;
  const client = await pool.connect();
  let broken = false;
  try {
    await migrateLocked(client, tables, options.label, options.lockTimeoutMs);
  } catch (error) {
    broken = !(error instanceof StoreSchemaError);
    throw error;
  } finally {
    client.release(broken);
  }
}

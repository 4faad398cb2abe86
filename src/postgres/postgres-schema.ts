import { StoreSchemaError } from '../tokens/errors/store-schema-error.ts';
import { StoreUnavailableError } from '../tokens/errors/store-unavailable-error.ts';
import type { PgPool, PgPoolClient, PgQueryable } from './pg-driver.ts';
import { LOCK_NOT_AVAILABLE } from './postgres-errors.ts';
import { migrationLockName, schemaLockName, takeAdvisoryLock } from './postgres-lock.ts';

/** One schema change: statements run once, in one transaction with the row that records it. */
export interface PostgresMigration {
  version: number;
  description: string;
  statements: readonly string[];
}

/**
 * What one store keeps in PostgreSQL and how its tables came to be: each store (tokens, the
 * service's state) has a plan of its own, with a version table of its own, so either can move on
 * alone in a shared schema.
 */
export interface PostgresSchemaPlan {
  /** The schema of the tables (unquoted), created when missing. */
  schema: string;
  /** Quoted, schema-qualified: one row per applied migration. */
  versions: string;
  /** Unquoted (`schema.table`): names the advisory lock migrations of this plan take. */
  name: string;
  /** Names the tables after the database in messages: `table public.strava_auth_tokens`. */
  subject: string;
  /** Every schema change, in order, never edited once released. */
  migrations: readonly PostgresMigration[];
  /**
   * Run under the lock before any migration, to bring a layout an older release made to the one
   * the migrations expect; each must be a no-op on a layout this plan made.
   */
  adopt?: readonly string[];
  /** Says what to do when a newer release made the tables. */
  newerRemedy: string;
}

/** Lowercase SQL identifiers only, so names never need escaping rules beyond double quotes. */
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,54}$/;

/** Throws a TypeError, naming `store` and the option, unless `name` is a safe identifier. */
export function assertIdentifier(store: string, option: string, name: string): void {
  if (!IDENTIFIER.test(name)) throw new TypeError(`${store}: ${option} must be a lowercase SQL identifier (a-z, 0-9, _; at most 55 characters).`);
}

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

/** Quoted, schema-qualified names for `schema` and `table`; throws a TypeError for unsafe names. */
export function postgresTables(schema: string, table: string): PostgresTables {
  assertIdentifier('PostgresStore', 'schema', schema);
  assertIdentifier('PostgresStore', 'tableName', table);
  return { schema, name: `${schema}.${table}`, tokens: `"${schema}"."${table}"`, versions: `"${schema}"."${table}_version"` };
}

/**
 * The token store's schema changes. Secrets are one text column (plaintext JSON or sealed by a
 * cipher, see `sealSecrets`); everything else is a plain column a person can query
 * (`expires_at < now()`), and `key_id` shows which key sealed a row.
 */
const MIGRATIONS: ReadonlyArray<{ version: number; description: string; statements(tables: PostgresTables): string[] }> = [
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

/** The token store's plan for `tables`. */
export function tokenSchemaPlan(tables: PostgresTables): PostgresSchemaPlan {
  return {
    schema: tables.schema,
    versions: tables.versions,
    name: tables.name,
    subject: `table ${tables.name}`,
    migrations: MIGRATIONS.map(({ version, description, statements }) => ({ version, description, statements: statements(tables) })),
    newerRemedy: 'Upgrade strava-auth (npm install strava-auth@latest) in every service that uses this database; the schema is never migrated down.',
  };
}

function latestVersion(plan: PostgresSchemaPlan): number {
  return plan.migrations.at(-1)?.version ?? 0;
}

/** The newest applied version, or 0 when the version table does not exist yet. */
async function appliedVersion(db: PgQueryable, plan: PostgresSchemaPlan): Promise<number> {
  const exists = await db.query('SELECT to_regclass($1) IS NOT NULL AS exists', [plan.versions]);
  if (exists.rows[0]?.exists !== true) return 0;
  const result = await db.query(`SELECT coalesce(max(version), 0) AS version FROM ${plan.versions}`);
  return Number(result.rows[0]?.version ?? 0);
}

function assertNotNewer(found: number, plan: PostgresSchemaPlan, label: string): void {
  const latest = latestVersion(plan);
  if (found <= latest) return;
  throw new StoreSchemaError({
    store: `${label} (${plan.subject})`,
    problem: `its schema is version ${found}, made by a newer strava-auth (this one knows up to version ${latest})`,
    remedy: plan.newerRemedy,
    foundVersion: found,
    supportedVersion: latest,
  });
}

/** Creates the schema unless it exists, under a lock every plan takes, since plans may share it. */
async function ensureSchemaExists(client: PgPoolClient, schema: string, lockTimeoutMs: number): Promise<void> {
  // Checked first: CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege even when it exists.
  const exists = async () => ((await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rowCount ?? 0) > 0;
  if (await exists()) return;
  // Another plan's migration (the token store's and the service's, started together) may be
  // creating it right now: CREATE SCHEMA IF NOT EXISTS would fail on a unique index then.
  await takeAdvisoryLock(client, schemaLockName(schema), lockTimeoutMs);
  if (!(await exists())) await client.query(`CREATE SCHEMA "${schema}"`);
}

async function migrateLocked(client: PgPoolClient, plan: PostgresSchemaPlan, label: string, lockTimeoutMs: number): Promise<void> {
  await client.query('BEGIN');
  try {
    await takeAdvisoryLock(client, migrationLockName(plan), lockTimeoutMs);
    await ensureSchemaExists(client, plan.schema, lockTimeoutMs);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${plan.versions} (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    for (const statement of plan.adopt ?? []) await client.query(statement);
    // Read again under the lock: another replica may have migrated while this one waited.
    const found = await appliedVersion(client, plan);
    assertNotNewer(found, plan, label);
    for (const migration of plan.migrations.filter((m) => m.version > found)) {
      for (const statement of migration.statements) await client.query(statement);
      await client.query(`INSERT INTO ${plan.versions} (version, description) VALUES ($1, $2)`, [migration.version, migration.description]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

/**
 * Brings the tables of `plan` to its newest version. Idempotent, and safe when several replicas
 * start at once: the work runs in one transaction under an advisory lock, so one replica migrates
 * and the others find it done. The common case (already current) is two reads, no lock. A schema
 * newer than the plan throws StoreSchemaError and is left alone; a migration another process holds
 * for longer than `lockTimeoutMs` is a StoreUnavailableError. `label` names the database.
 */
export async function ensurePostgresSchema(pool: PgPool, plan: PostgresSchemaPlan, options: { label: string; lockTimeoutMs: number }): Promise<void> {
  const found = await appliedVersion(pool, plan);
  assertNotNewer(found, plan, options.label);
  if (found === latestVersion(plan)) return;
  const client = await pool.connect();
  let broken = false;
  // A connection that dies mid-migration is reported by the failing query; without a listener its
  // 'error' event would end the process.
  const onError = () => void (broken = true);
  client.on('error', onError);
  try {
    await migrateLocked(client, plan, options.label, options.lockTimeoutMs);
  } catch (error) {
    broken = !(error instanceof StoreSchemaError);
    if ((error as { code?: unknown } | undefined)?.code !== LOCK_NOT_AVAILABLE) throw error;
    throw new StoreUnavailableError({
      store: `${options.label} (${plan.subject})`,
      problem: `another process has been migrating its schema for over ${(options.lockTimeoutMs / 1000).toFixed(1)} s`,
      remedy: 'Wait for the other process to finish its migration (or stop it if it is stuck), then try again.',
    });
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

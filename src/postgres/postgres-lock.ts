import type { PgQueryable } from './pg-driver.ts';
import type { PostgresTables } from './postgres-schema.ts';

/** The 64-bit advisory lock id of the name in `$1`. */
const LOCK_ID = 'hashtextextended($1, 0)';

/** The advisory lock of one key of one table (a name, hashed to the lock id by PostgreSQL). */
export function keyLockName(tables: PostgresTables, key: string): string {
  return `strava-auth ${tables.name} ${key}`;
}

/** The advisory lock that serialises migrations of one table (or plan), distinct from every key's lock. */
export function migrationLockName(plan: Pick<PostgresTables, 'name'>): string {
  return `strava-auth migrate ${plan.name}`;
}

/** The advisory lock held while a schema is created, which the migrations of every plan in it take. */
export function schemaLockName(schema: string): string {
  return `strava-auth create schema ${schema}`;
}

/**
 * Takes the advisory lock `name` for the rest of the open transaction, waiting at most `waitMs`
 * (a transaction-local `lock_timeout`: nothing outlives the transaction, so a transaction-mode
 * pooler may hand the connection to anyone afterwards). A wait that runs out fails with SQLSTATE
 * 55P03 and leaves the transaction aborted.
 */
export async function takeAdvisoryLock(client: PgQueryable, name: string, waitMs: number): Promise<void> {
  // lock_timeout 0 would mean "wait forever".
  await client.query("SELECT set_config('lock_timeout', $1, true)", [`${Math.max(1, Math.ceil(waitMs))}ms`]);
  await client.query(`SELECT pg_advisory_xact_lock(${LOCK_ID})`, [name]);
}

/**
 * Who holds the advisory lock `name`, for a timeout's message (empty when nobody is seen):
 * PostgreSQL's backend pid, the holder's application name and address, and how long its
 * transaction has been open. PostgreSQL keeps a bigint lock id as two 32-bit halves.
 */
export async function lockHolder(client: PgQueryable, name: string): Promise<string> {
  const result = await client.query(
    `SELECT a.pid, a.application_name, host(a.client_addr) AS client, round(extract(epoch FROM now() - a.xact_start), 1)::text AS seconds
      FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND ((l.classid::bigint << 32) | l.objid::bigint) = ${LOCK_ID}`,
    [name],
  );
  const row = result.rows[0];
  if (!row) return '';
  const application = row.application_name ? ` "${String(row.application_name)}"` : '';
  const address = row.client ? ` at ${String(row.client)}` : '';
  return `; held by PostgreSQL backend ${String(row.pid)} (client${application}${address}) in a transaction open for ${String(row.seconds)} s`;
}

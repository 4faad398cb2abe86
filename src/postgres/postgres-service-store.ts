import type { ApiKeyRecord, AthleteStatus, PendingLogin, ServiceStore } from '../server/service-store.ts';
import { StoreSchemaError } from '../tokens/errors/store-schema-error.ts';
import { loadPg, type PgPool, type PgPoolClient } from './pg-driver.ts';
import { toStoreError } from './postgres-errors.ts';
import { postgresTarget, type PostgresTarget } from './postgres-target.ts';

/** The version of the service tables this release writes and reads. */
export const POSTGRES_SERVICE_SCHEMA_VERSION = 1;

const EVENT_RETENTION_MS = 7 * 24 * 3600 * 1000;
const CONNECT_TIMEOUT_MS = 10_000;

/** Created once, under an advisory lock, so replicas starting together do not race. */
const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS strava_auth_service_version (version integer NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS strava_auth_pending_logins (
    state text PRIMARY KEY, scopes text[] NOT NULL, return_to text, created_at bigint NOT NULL, expires_at bigint NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS strava_auth_api_keys (
    id text PRIMARY KEY, hash text NOT NULL UNIQUE, label text NOT NULL, created_at bigint NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS strava_auth_athlete_status (
    athlete_id bigint PRIMARY KEY, status text NOT NULL, reason text NOT NULL, at bigint NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS strava_auth_webhook_events (event_key text PRIMARY KEY, received_at bigint NOT NULL)`,
];

/**
 * The service state of `strava-auth serve` in PostgreSQL, beside PostgresStore's tokens table (in
 * the schema the connection's search_path names), so every replica shares pending logins, keys,
 * statuses and webhook dedupe. Each method is one or two autocommitted statements; a pending
 * login is taken with `DELETE ... RETURNING`, so a state works once across replicas.
 */
export class PostgresServiceStore implements ServiceStore {
  readonly #connectionString: string;
  readonly #target: PostgresTarget;
  #pool: Promise<PgPool> | undefined;
  #ready: Promise<PgPool> | undefined;

  private constructor(connectionString: string) {
    this.#connectionString = connectionString;
    this.#target = postgresTarget({ connectionString });
  }

  /** A store on its own pool (at most 5 connections). */
  static fromConnectionString(connectionString: string): PostgresServiceStore {
    return new PostgresServiceStore(connectionString);
  }

  async open(): Promise<void> {
    await this.#usable();
  }

  async putPendingLogin(state: string, login: PendingLogin, max: number): Promise<boolean> {
    // Under READ COMMITTED one statement counts what its snapshot saw, so two replicas could each
    // count max - 1 and both insert. The advisory lock (this schema's own) orders the puts, and the
    // statement after it takes a snapshot holding every put committed before; takes do not wait.
    const rows = await this.#transaction(async (client) => {
      await client.query(`SELECT pg_advisory_xact_lock(hashtextextended(current_schema() || '.strava_auth_pending_logins', 0))`);
      await client.query(`DELETE FROM strava_auth_pending_logins WHERE expires_at < $1`, [login.createdAt]);
      return client.query(
        `INSERT INTO strava_auth_pending_logins (state, scopes, return_to, created_at, expires_at)
         SELECT $1::text, $2::text[], $3::text, $4::bigint, $5::bigint
         WHERE (SELECT count(*) FROM strava_auth_pending_logins WHERE expires_at >= $4::bigint AND state <> $1::text) < $6::bigint
         ON CONFLICT (state) DO UPDATE SET scopes = excluded.scopes, return_to = excluded.return_to, created_at = excluded.created_at, expires_at = excluded.expires_at
         RETURNING state`,
        [state, login.scopes, login.returnTo ?? null, login.createdAt, login.expiresAt, max],
      );
    });
    return rows.rows.length > 0;
  }

  async takePendingLogin(state: string): Promise<PendingLogin | undefined> {
    const rows = await this.#query(`DELETE FROM strava_auth_pending_logins WHERE state = $1 RETURNING scopes, return_to, created_at, expires_at`, [state]);
    const row = rows[0];
    if (!row) return undefined;
    return {
      scopes: row.scopes as string[],
      ...(row.return_to === null ? {} : { returnTo: String(row.return_to) }),
      createdAt: Number(row.created_at),
      expiresAt: Number(row.expires_at),
    };
  }

  async addApiKey(key: ApiKeyRecord): Promise<void> {
    await this.#query(`INSERT INTO strava_auth_api_keys (id, hash, label, created_at) VALUES ($1, $2, $3, $4)`, [key.id, key.hash, key.label, key.createdAt]);
  }

  async listApiKeys(): Promise<ApiKeyRecord[]> {
    const rows = await this.#query(`SELECT id, hash, label, created_at FROM strava_auth_api_keys ORDER BY created_at, id`);
    return rows.map((row) => ({ id: String(row.id), hash: String(row.hash), label: String(row.label), createdAt: Number(row.created_at) }));
  }

  async hasApiKeyHash(hash: string): Promise<boolean> {
    return (await this.#query(`SELECT 1 FROM strava_auth_api_keys WHERE hash = $1`, [hash])).length > 0;
  }

  async revokeApiKey(id: string): Promise<boolean> {
    return (await this.#query(`DELETE FROM strava_auth_api_keys WHERE id = $1 RETURNING id`, [id])).length > 0;
  }

  async getAthleteStatus(athleteId: number): Promise<AthleteStatus | undefined> {
    const row = (await this.#query(`SELECT reason, at FROM strava_auth_athlete_status WHERE athlete_id = $1`, [athleteId]))[0];
    return row && { status: 'revoked', reason: String(row.reason), at: Number(row.at) };
  }

  async setAthleteStatus(athleteId: number, status: AthleteStatus): Promise<void> {
    await this.#query(
      `INSERT INTO strava_auth_athlete_status (athlete_id, status, reason, at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (athlete_id) DO UPDATE SET status = excluded.status, reason = excluded.reason, at = excluded.at`,
      [athleteId, status.status, status.reason, status.at],
    );
  }

  async clearAthleteStatus(athleteId: number): Promise<void> {
    await this.#query(`DELETE FROM strava_auth_athlete_status WHERE athlete_id = $1`, [athleteId]);
  }

  async listAthleteStatuses(): Promise<Array<{ athleteId: number } & AthleteStatus>> {
    const rows = await this.#query(`SELECT athlete_id, reason, at FROM strava_auth_athlete_status ORDER BY athlete_id`);
    return rows.map((row) => ({ athleteId: Number(row.athlete_id), status: 'revoked' as const, reason: String(row.reason), at: Number(row.at) }));
  }

  async recordEventOnce(eventKey: string, at: number): Promise<boolean> {
    await this.#query(`DELETE FROM strava_auth_webhook_events WHERE received_at < $1`, [at - EVENT_RETENTION_MS]);
    const rows = await this.#query(`INSERT INTO strava_auth_webhook_events (event_key, received_at) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_key`, [eventKey, at]);
    return rows.length > 0;
  }

  async ping(): Promise<void> {
    await this.#query('SELECT 1');
  }

  async close(): Promise<void> {
    const pool = this.#pool;
    this.#pool = undefined;
    this.#ready = undefined;
    await (await pool?.catch(() => undefined))?.end();
  }

  async #query(text: string, values?: unknown[]): Promise<Array<Record<string, unknown>>> {
    const pool = await this.#usable();
    try {
      return (await pool.query(text, values)).rows;
    } catch (error) {
      throw toStoreError(error, this.#target, POSTGRES_SERVICE_SCHEMA_VERSION);
    }
  }

  /** Runs `work` in a transaction on one connection; rolled back when it throws. */
  async #transaction<T>(work: (client: PgPoolClient) => Promise<T>): Promise<T> {
    const pool = await this.#usable();
    let client: PgPoolClient | undefined;
    let broken: Error | undefined;
    const onError = (error: Error) => void (broken = error);
    try {
      client = await pool.connect();
      // A connection that dies between statements is reported here; without a listener it would crash the process.
      client.on('error', onError);
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client?.query('ROLLBACK').catch((rollbackError: Error) => void (broken ??= rollbackError));
      throw toStoreError(error, this.#target, POSTGRES_SERVICE_SCHEMA_VERSION);
    } finally {
      client?.off('error', onError);
      client?.release(broken ?? false);
    }
  }

  /** The pool with the tables in place; a failed attempt is retried by the next call. */
  #usable(): Promise<PgPool> {
    this.#ready ??= this.#migrate().catch((error: unknown) => {
      this.#ready = undefined;
      throw toStoreError(error, this.#target, POSTGRES_SERVICE_SCHEMA_VERSION);
    });
    return this.#ready;
  }

  async #migrate(): Promise<PgPool> {
    this.#pool ??= loadPg().then((pg) => {
      const pool = new pg.Pool({ connectionString: this.#connectionString, max: 5, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, keepAlive: true });
      pool.on('error', () => {}); // a dropped idle connection; the next query reports an outage
      return pool;
    });
    const pool = await this.#pool;
    const client = await pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      await client.query(`SELECT pg_advisory_xact_lock(hashtext('strava_auth_service_schema'))`);
      for (const statement of SCHEMA) await client.query(statement);
      const found = Number((await client.query('SELECT max(version) AS version FROM strava_auth_service_version')).rows[0]?.version ?? 0);
      if (found > POSTGRES_SERVICE_SCHEMA_VERSION) {
        throw new StoreSchemaError({
          store: this.#target.label,
          problem: `its service tables are at schema version ${found}, written by a newer strava-auth; this release knows version ${POSTGRES_SERVICE_SCHEMA_VERSION}`,
          remedy: 'Upgrade strava-auth in every replica of strava-auth serve that uses this database (a database is never migrated down).',
          foundVersion: found,
          supportedVersion: POSTGRES_SERVICE_SCHEMA_VERSION,
        });
      }
      if (found < POSTGRES_SERVICE_SCHEMA_VERSION) await client.query('INSERT INTO strava_auth_service_version (version) VALUES ($1)', [POSTGRES_SERVICE_SCHEMA_VERSION]);
      await client.query('COMMIT');
    } catch (error) {
      broken = !(error instanceof StoreSchemaError);
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release(broken);
    }
    return pool;
  }
}

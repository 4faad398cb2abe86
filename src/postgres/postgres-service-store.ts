import type { ApiKeyRecord, AthleteStatus, PendingLogin, ServiceChange, ServiceStore } from '../server/service-store.ts';
import { DEFAULT_LOCK_TIMEOUT_MS } from '../tokens/memory-store.ts';
import { loadPg, type PgPool, type PgPoolClient } from './pg-driver.ts';
import { toStoreError } from './postgres-errors.ts';
import { announceChange, CHANGE_CHANNEL, changePayload, PostgresChangeFeed } from './postgres-change-feed.ts';
import { ensurePostgresSchema } from './postgres-schema.ts';
import { POSTGRES_SERVICE_SCHEMA_VERSION, postgresServiceTables, serviceSchemaPlan, type PostgresServiceTables } from './postgres-service-schema.ts';
import { postgresTarget, type PostgresTarget } from './postgres-target.ts';

const EVENT_RETENTION_MS = 7 * 24 * 3600 * 1000;
const CONNECT_TIMEOUT_MS = 10_000;

/** Options of {@link PostgresServiceStore}. */
export interface PostgresServiceStoreOptions {
  /** Schema of the tables, created when missing (default `public`; the token store's, usually). */
  schema?: string;
  /** Longest wait for a migration another replica is running (default 60 s). */
  lockTimeoutMs?: number;
}

/**
 * The service state of `strava-auth serve` in PostgreSQL, beside PostgresStore's tokens table in
 * the same schema, so every replica shares pending logins, keys, statuses and webhook dedupe.
 * Tables are created and migrated on first use under an advisory lock, as PostgresStore's are
 * (versions of their own). Each method is one or two autocommitted statements; a pending login is
 * taken with `DELETE ... RETURNING`, so a state works once across replicas.
 */
export class PostgresServiceStore implements ServiceStore {
  readonly #connectionString: string;
  readonly #target: PostgresTarget;
  readonly #tables: PostgresServiceTables;
  readonly #lockTimeoutMs: number;
  #pool: Promise<PgPool> | undefined;
  #ready: Promise<PgPool> | undefined;
  #feed: PostgresChangeFeed | undefined;
  #watching: Promise<void> | undefined;
  readonly #listeners = new Set<(change: ServiceChange) => void>();

  private constructor(connectionString: string, options: PostgresServiceStoreOptions) {
    this.#connectionString = connectionString;
    this.#target = postgresTarget({ connectionString });
    this.#tables = postgresServiceTables(options.schema ?? 'public');
    this.#lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  }

  /** A store on its own pool (at most 6 connections: one of them LISTENs while {@link watch} is on). */
  static fromConnectionString(connectionString: string, options: PostgresServiceStoreOptions = {}): PostgresServiceStore {
    return new PostgresServiceStore(connectionString, options);
  }

  /** Connects and creates (or migrates) the tables now, so start-up fails rather than the first request. */
  async open(): Promise<void> {
    await this.#usable();
  }

  async putPendingLogin(state: string, login: PendingLogin, max: number): Promise<boolean> {
    // Under READ COMMITTED one statement counts what its snapshot saw, so two replicas could each
    // count max - 1 and both insert. The advisory lock (this table's own: its schema-qualified name) orders the puts, and the
    // statement after it takes a snapshot holding every put committed before; takes do not wait.
    const rows = await this.#transaction(async (client) => {
      await client.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [this.#tables.pendingLogins]);
      await client.query(`DELETE FROM ${this.#tables.pendingLogins} WHERE expires_at < $1`, [login.createdAt]);
      return client.query(
        `INSERT INTO ${this.#tables.pendingLogins} (state, scopes, return_to, created_at, expires_at)
         SELECT $1::text, $2::text[], $3::text, $4::bigint, $5::bigint
         WHERE (SELECT count(*) FROM ${this.#tables.pendingLogins} WHERE expires_at >= $4::bigint AND state <> $1::text) < $6::bigint
         ON CONFLICT (state) DO UPDATE SET scopes = excluded.scopes, return_to = excluded.return_to, created_at = excluded.created_at, expires_at = excluded.expires_at
         RETURNING state`,
        [state, login.scopes, login.returnTo ?? null, login.createdAt, login.expiresAt, max],
      );
    });
    return rows.rows.length > 0;
  }

  async takePendingLogin(state: string): Promise<PendingLogin | undefined> {
    const rows = await this.#query(`DELETE FROM ${this.#tables.pendingLogins} WHERE state = $1 RETURNING scopes, return_to, created_at, expires_at`, [state]);
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
    await this.#query(`INSERT INTO ${this.#tables.apiKeys} (id, hash, label, created_at) VALUES ($1, $2, $3, $4)`, [key.id, key.hash, key.label, key.createdAt]);
  }

  async listApiKeys(): Promise<ApiKeyRecord[]> {
    const rows = await this.#query(`SELECT id, hash, label, created_at FROM ${this.#tables.apiKeys} ORDER BY created_at, id`);
    return rows.map((row) => ({ id: String(row.id), hash: String(row.hash), label: String(row.label), createdAt: Number(row.created_at) }));
  }

  async hasApiKeyHash(hash: string): Promise<boolean> {
    return (await this.#query(`SELECT 1 FROM ${this.#tables.apiKeys} WHERE hash = $1`, [hash])).length > 0;
  }

  async revokeApiKey(id: string): Promise<boolean> {
    // One statement: the notification goes out when the delete commits, and only if it deleted.
    const rows = await this.#query(
      `WITH revoked AS (DELETE FROM ${this.#tables.apiKeys} WHERE id = $1 RETURNING id) SELECT id, pg_notify($2, $3) FROM revoked`,
      [id, CHANGE_CHANNEL, changePayload(this.#tables.schema, { kind: 'keys' })],
    );
    return rows.length > 0;
  }

  async getAthleteStatus(athleteId: number): Promise<AthleteStatus | undefined> {
    const row = (await this.#query(`SELECT reason, at FROM ${this.#tables.athleteStatus} WHERE athlete_id = $1`, [athleteId]))[0];
    return row && { status: 'revoked', reason: String(row.reason), at: Number(row.at) };
  }

  async setAthleteStatus(athleteId: number, status: AthleteStatus): Promise<void> {
    await this.#query(
      `INSERT INTO ${this.#tables.athleteStatus} (athlete_id, status, reason, at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (athlete_id) DO UPDATE SET status = excluded.status, reason = excluded.reason, at = excluded.at`,
      [athleteId, status.status, status.reason, status.at],
    );
  }

  async clearAthleteStatus(athleteId: number): Promise<void> {
    await this.#query(`DELETE FROM ${this.#tables.athleteStatus} WHERE athlete_id = $1`, [athleteId]);
  }

  async listAthleteStatuses(): Promise<Array<{ athleteId: number } & AthleteStatus>> {
    const rows = await this.#query(`SELECT athlete_id, reason, at FROM ${this.#tables.athleteStatus} ORDER BY athlete_id`);
    return rows.map((row) => ({ athleteId: Number(row.athlete_id), status: 'revoked' as const, reason: String(row.reason), at: Number(row.at) }));
  }

  async recordEventOnce(eventKey: string, at: number): Promise<boolean> {
    await this.#query(`DELETE FROM ${this.#tables.webhookEvents} WHERE received_at < $1`, [at - EVENT_RETENTION_MS]);
    const rows = await this.#query(`INSERT INTO ${this.#tables.webhookEvents} (event_key, received_at) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_key`, [eventKey, at]);
    return rows.length > 0;
  }

  async ping(): Promise<void> {
    await this.#query('SELECT 1');
  }

  async announce(change: ServiceChange): Promise<void> {
    const pool = await this.#usable();
    try {
      await announceChange(pool, this.#tables.schema, change);
    } catch (error) {
      throw toStoreError(error, this.#target, POSTGRES_SERVICE_SCHEMA_VERSION);
    }
  }

  /** LISTENs on one pooled connection (see {@link PostgresChangeFeed}) for every listener, until {@link close}. */
  watch(listener: (change: ServiceChange) => void): Promise<void> {
    this.#listeners.add(listener);
    if (!this.#feed) {
      const feed = new PostgresChangeFeed(() => this.#usable(), this.#tables.schema, this.#target.label, (change) => {
        for (const each of this.#listeners) each(change);
      });
      this.#feed = feed;
      this.#watching = feed.begin().catch((error: unknown) => {
        throw toStoreError(error, this.#target, POSTGRES_SERVICE_SCHEMA_VERSION);
      });
    }
    return this.#watching!;
  }

  async close(): Promise<void> {
    this.#feed?.stop();
    this.#feed = undefined;
    this.#watching = undefined;
    this.#listeners.clear();
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
      // Six: five for queries, one for the change feed's LISTEN when the service watches.
      const pool = new pg.Pool({
        connectionString: this.#connectionString,
        max: 6,
        connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
        // Probes after 30 s idle rather than the system's default (often two hours).
        keepAlive: true,
        keepAliveInitialDelayMillis: 30_000,
      });
      pool.on('error', () => {}); // a dropped idle connection; the next query reports an outage
      return pool;
    });
    const pool = await this.#pool;
    await ensurePostgresSchema(pool, serviceSchemaPlan(this.#tables), { label: this.#target.label, lockTimeoutMs: this.#lockTimeoutMs });
    return pool;
  }
}

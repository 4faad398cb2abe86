import { LockTimeoutError } from '../tokens/errors/lock-timeout-error.ts';
import { StoreUnavailableError } from '../tokens/errors/store-unavailable-error.ts';
import { KeyedMutex } from '../tokens/keyed-mutex.ts';
import { DEFAULT_LOCK_TIMEOUT_MS } from '../tokens/memory-store.ts';
import { assertPlaintextAllowed } from '../tokens/sealed-secrets.ts';
import { assertStoredTokens, assertTokenKey } from '../tokens/stored-tokens.ts';
import type { TokenCipher } from '../tokens/token-cipher.ts';
import type { LockedTokens, LockOptions, StoredTokens, TokenStore } from '../tokens/token-store.ts';
import { loadPg, type PgPool, type PgPoolClient } from './pg-driver.ts';
import { keyLockName, lockHolder, takeAdvisoryLock } from './postgres-lock.ts';
import { LOCK_NOT_AVAILABLE, toStoreError } from './postgres-errors.ts';
import { rowToRecord, SELECT_COLUMNS, upsertStatement, upsertValues } from './postgres-record.ts';
import { ensurePostgresSchema, POSTGRES_SCHEMA_VERSION, postgresTables, tokenSchemaPlan, type PostgresTables } from './postgres-schema.ts';
import { postgresTarget, type PostgresTarget } from './postgres-target.ts';

/** Where a {@link PostgresStore} connects: a connection string (the store makes and owns a pool), or your pool. */
export type PostgresConnection =
  | {
      /** E.g. `postgres://user:password@db.internal:5432/app`; the password never appears in a message. */
      connectionString: string;
      /** Most connections the store's pool opens (default 10). */
      maxConnections?: number;
    }
  | {
      /** A `pg.Pool` (or anything with its `query`, `connect` and `end`); the store never ends it. */
      pool: PgPool;
    };

/** Options of {@link PostgresStore}. */
export interface PostgresStoreOptions {
  /** Schema of the tables, created when missing (default `public`). */
  schema?: string;
  /** Name of the tokens table (default `strava_auth_tokens`); the version table is `<name>_version`. */
  tableName?: string;
  /** Encrypts the tokens at rest; rows written without one stay readable. */
  cipher?: TokenCipher;
  /** Default wait for a key's lock, and for a migration another replica is running (default 60 s). */
  lockTimeoutMs?: number;
}

/** Bounds the wait for a connection from a pool the store made, so a dead network fails instead of hanging. */
const CONNECT_TIMEOUT_MS = 10_000;
const SAVEPOINT = 'strava_auth_set';

function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** One `withLock` transaction, as the work inside it sees it. */
interface LockSession {
  readonly client: PgPoolClient;
  /** False once the transaction has ended: the locked view refuses to run. */
  open: boolean;
  /** Whether a write went through, which a rollback at COMMIT would lose. */
  wrote: boolean;
}

/** A row someone inserted by hand under a key no store accepts is not listed. */
function isTokenKey(key: string): boolean {
  try {
    assertTokenKey(key);
    return true;
  } catch {
    return false;
  }
}

/**
 * Tokens in a PostgreSQL table, shared by every replica of a service: one row per key.
 *
 * - Locking: `withLock` runs in one transaction holding `pg_advisory_xact_lock` on a hash of the
 *   table and key, so it covers a key that has no row yet. The wait is bounded by a transaction-
 *   local `lock_timeout`, and a timeout is a LockTimeoutError. Nothing is session-level, so it
 *   works behind a transaction-mode pooler (PgBouncer); a replica that dies mid-lock loses its
 *   session and PostgreSQL releases the lock at once. Callers of one process queue in memory
 *   first, so waiting on a key never ties up more than one connection.
 * - Writes through the locked view are kept even when the callback throws (the transaction
 *   commits); each runs under a savepoint, so a failed write can be retried in the same lock.
 * - Schema: created and migrated on first use, under an advisory lock (replicas may start
 *   together); a schema from a newer strava-auth is a StoreSchemaError, never touched.
 * - Failures are typed: StoreUnavailableError (down, unreachable, read-only, refused),
 *   CorruptRecordError (a row that is not a record), StoreSchemaError. No message contains the
 *   password or a token.
 * - `pg` is an optional peer dependency, loaded on first use (never, when you pass a pool).
 *
 * @example
 * const store = new PostgresStore({ connectionString: process.env.DATABASE_URL! });
 * const manager = new TokenManager({ store, key: String(athleteId), oauth: { clientId, clientSecret } });
 * // on shutdown:
 * await store.close();
 */
export class PostgresStore implements TokenStore {
  readonly #connection: PostgresConnection;
  readonly #tables: PostgresTables;
  readonly #target: PostgresTarget;
  readonly #cipher: TokenCipher | undefined;
  readonly #lockTimeoutMs: number;
  readonly #mutex = new KeyedMutex();
  #pool: Promise<PgPool> | undefined;
  #ready: Promise<void> | undefined;

  constructor(connection: PostgresConnection, options: PostgresStoreOptions = {}) {
    this.#connection = connection;
    this.#tables = postgresTables(options.schema ?? 'public', options.tableName ?? 'strava_auth_tokens');
    const parts = 'pool' in connection ? ((connection.pool as { options?: Record<string, unknown> }).options ?? {}) : connection;
    this.#target = postgresTarget(parts);
    this.#cipher = options.cipher;
    this.#lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  }

  /** The database and table, without credentials (as messages name them). */
  get location(): string {
    return `${this.#target.label} (table ${this.#tables.name})`;
  }

  async get(key: string): Promise<StoredTokens | undefined> {
    assertTokenKey(key);
    const pool = await this.#usable();
    const result = await this.#run(() => pool.query(`SELECT ${SELECT_COLUMNS} FROM ${this.#tables.tokens} WHERE key = $1`, [key]));
    const row = result.rows[0];
    return row && rowToRecord(row, key, this.location, this.#cipher);
  }

  async set(key: string, value: StoredTokens): Promise<void> {
    assertTokenKey(key);
    assertStoredTokens(value, key);
    return this.withLock(key, (locked) => locked.set(value));
  }

  async delete(key: string): Promise<void> {
    assertTokenKey(key);
    return this.#locked(key, {}, async ({ client }) => {
      await this.#run(() => client.query(`DELETE FROM ${this.#tables.tokens} WHERE key = $1`, [key]));
    });
  }

  /**
   * Connects and creates (or migrates) the schema and tables now, so an unreachable database or a
   * schema from a newer release fails at start-up rather than on the first token asked for.
   */
  async open(): Promise<void> {
    await this.#usable();
  }

  async keys(): Promise<string[]> {
    const pool = await this.#usable();
    // COLLATE "C" sorts by code point, as JavaScript's sort does, whatever the database's locale.
    const result = await this.#run(() => pool.query(`SELECT key FROM ${this.#tables.tokens} ORDER BY key COLLATE "C"`));
    return result.rows.map((row) => String(row.key)).filter(isTokenKey);
  }

  async withLock<T>(key: string, fn: (locked: LockedTokens) => Promise<T>, options: LockOptions = {}): Promise<T> {
    assertTokenKey(key);
    return this.#locked(key, options, (session) => {
      const { client } = session;
      const open = () => {
        if (!session.open) throw new TypeError(`The locked view of "${key}" was used after withLock ended.`);
      };
      const locked: LockedTokens = {
        key,
        get: async () => {
          open();
          const result = await this.#run(() => client.query(`SELECT ${SELECT_COLUMNS} FROM ${this.#tables.tokens} WHERE key = $1`, [key]));
          const row = result.rows[0];
          return row && rowToRecord(row, key, this.location, this.#cipher);
        },
        set: async (value) => {
          open();
          assertStoredTokens(value, key);
          if (!this.#cipher) {
            // A replica without the key never replaces a sealed record with plaintext.
            const existing = await this.#run(() => client.query(`SELECT secrets FROM ${this.#tables.tokens} WHERE key = $1`, [key]));
            assertPlaintextAllowed(existing.rows[0]?.secrets as string | undefined, key);
          }
          const values = await upsertValues(key, value, this.#cipher);
          await this.#run(() => client.query(`SAVEPOINT ${SAVEPOINT}`));
          try {
            await client.query(upsertStatement(this.#tables), values);
            await client.query(`RELEASE SAVEPOINT ${SAVEPOINT}`);
            session.wrote = true;
          } catch (error) {
            // Undo just this write, so the transaction stays usable and the caller may retry.
            await client.query(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`).catch(() => {});
            throw toStoreError(error, this.#target, POSTGRES_SCHEMA_VERSION);
          }
        },
      };
      return fn(locked);
    });
  }

  /** Ends the pool the store made from a connection string; a pool you passed stays open. */
  async close(): Promise<void> {
    if ('pool' in this.#connection || !this.#pool) return;
    const pool = this.#pool;
    this.#pool = undefined;
    this.#ready = undefined;
    await (await pool.catch(() => undefined))?.end();
  }

  /**
   * Runs `work` in a transaction holding `key`'s advisory lock and commits whatever it wrote, even
   * when it throws (its error is rethrown after the commit).
   */
  async #locked<T>(key: string, options: LockOptions, work: (session: LockSession) => Promise<T>): Promise<T> {
    const timeoutMs = options.timeoutMs ?? this.#lockTimeoutMs;
    const start = performance.now();
    const timeout = (resource: string) => new LockTimeoutError({ key, resource, waitedMs: timeoutMs });
    const lockName = keyLockName(this.#tables, key);
    return this.#mutex.run(
      key,
      async () => {
        const pool = await this.#usable();
        const client = await this.#run(() => pool.connect());
        let broken: Error | undefined;
        const onError = (error: Error) => {
          broken = error;
        };
        // A connection that dies between statements is reported here; without a listener it would crash the process.
        client.on('error', onError);
        const session: LockSession = { client, open: true, wrote: false };
        try {
          await this.#run(() => client.query('BEGIN'));
          const waitMs = timeoutMs - (performance.now() - start);
          try {
            await takeAdvisoryLock(client, lockName, waitMs);
          } catch (error) {
            if (sqlState(error) !== LOCK_NOT_AVAILABLE) throw toStoreError(error, this.#target, POSTGRES_SCHEMA_VERSION);
            await client.query('ROLLBACK');
            session.open = false;
            const holder = await lockHolder(client, lockName).catch(() => '');
            throw timeout(`advisory lock in ${this.#target.label}, table ${this.#tables.name}${holder}`);
          }
          let outcome: { ok: true; value: T } | { ok: false; error: unknown };
          try {
            outcome = { ok: true, value: await work(session) };
          } catch (error) {
            outcome = { ok: false, error };
          }
          session.open = false;
          const commit = await this.#run(() => client.query('COMMIT'));
          // A callback that failed and wrote nothing needs no word about the rollback: its error says it.
          if (commit.command === 'ROLLBACK' && (outcome.ok || session.wrote)) throw this.#abortedTransaction(outcome.ok ? undefined : outcome.error);
          if (!outcome.ok) throw outcome.error;
          return outcome.value;
        } catch (error) {
          // After a connection-level failure the connection is not returned to the pool.
          if (error instanceof StoreUnavailableError) broken ??= error;
          if (session.open) await client.query('ROLLBACK').catch((rollbackError: Error) => void (broken ??= rollbackError));
          throw error;
        } finally {
          session.open = false;
          client.off('error', onError);
          client.release(broken ?? false);
        }
      },
      { timeoutMs, onTimeout: () => timeout(`${this.#target.label}, table ${this.#tables.name}, queued in this process`) },
    );
  }

  /**
   * A statement of the callback failed outside a savepoint (a read), so PostgreSQL rolled the
   * transaction back at COMMIT: said out loud, since writes made before it were lost with it.
   */
  #abortedTransaction(cause: unknown): StoreUnavailableError {
    return new StoreUnavailableError({
      store: this.location,
      problem: 'a statement failed inside the locked transaction, so PostgreSQL rolled it back and nothing written in it was kept',
      remedy: 'See the error the failed statement raised (the cause, when the callback rethrew it), fix it, and try again.',
      cause,
    });
  }

  /** The pool, with the tables migrated; a failed attempt is retried by the next call. */
  async #usable(): Promise<PgPool> {
    const pool = await (this.#pool ??= this.#makePool());
    this.#ready ??= this.#run(() =>
      ensurePostgresSchema(pool, tokenSchemaPlan(this.#tables), { label: this.#target.label, lockTimeoutMs: this.#lockTimeoutMs }),
    ).catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    await this.#ready;
    return pool;
  }

  async #makePool(): Promise<PgPool> {
    if ('pool' in this.#connection) return this.#connection.pool;
    const { connectionString, maxConnections } = this.#connection;
    const pg = await loadPg().catch((error: unknown) => {
      this.#pool = undefined;
      throw error;
    });
    const pool = new pg.Pool({ connectionString, max: maxConnections ?? 10, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, keepAlive: true });
    // An idle connection the server closed (a restart) is dropped by the pool; without a
    // listener the event would crash the process. The next query reports the outage instead.
    pool.on('error', () => {});
    return pool;
  }

  /** Runs one driver call, turning its failures into the store's typed errors. */
  async #run<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw toStoreError(error, this.#target, POSTGRES_SCHEMA_VERSION);
    }
  }
}

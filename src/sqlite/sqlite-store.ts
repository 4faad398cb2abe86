import { statSync } from 'node:fs';
import { hostname } from 'node:os';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { systemClock, type Clock } from '../core/clock.ts';
import { realSleep, type Sleep } from '../core/retry.ts';
import { DEFAULT_STALE_LOCK_MS } from '../node/file-lock.ts';
import { emitWarning, type Warn } from '../node/private-files.ts';
import { LockTimeoutError } from '../tokens/errors/lock-timeout-error.ts';
import { StoreSchemaError } from '../tokens/errors/store-schema-error.ts';
import { KeyedMutex } from '../tokens/keyed-mutex.ts';
import { DEFAULT_LOCK_TIMEOUT_MS } from '../tokens/memory-store.ts';
import { assertStoredTokens, assertTokenKey } from '../tokens/stored-tokens.ts';
import type { TokenCipher } from '../tokens/token-cipher.ts';
import type { LockedTokens, LockOptions, StoredTokens, TokenStore } from '../tokens/token-store.ts';
import { toStoreError } from './sqlite-error.ts';
import { SqliteConnection } from './sqlite-connection.ts';
import { SqliteLockTable } from './sqlite-lock.ts';
import { LOCKS_TABLE, SQLITE_SCHEMA_VERSION, TOKEN_SCHEMA, TOKENS_TABLE } from './sqlite-schema.ts';
import { fromRow, ROW_COLUMNS, toRowValues } from './token-row.ts';
import { assertPlaintextAllowed } from '../tokens/sealed-secrets.ts';

/** Default busy timeout: how long one statement waits for another connection's write to end. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

/** Options of {@link SqliteStore}. */
export interface SqliteStoreOptions {
  /** The database file (created 0600, its directory 0700), or `':memory:'` for a private in-memory database. */
  path: string;
  /** Seals the tokens at rest (see `TokenCipher`); without one they are stored as plaintext JSON. */
  cipher?: TokenCipher;
  /** How long to wait for a key's lock (default 60 s). */
  lockTimeoutMs?: number;
  /** A lock holder that has not shown life (heartbeat) for this long is presumed dead (default 30 s). */
  lockTtlMs?: number;
  /**
   * How long one statement waits for another connection's short write transaction (default 5 s).
   * `node:sqlite` is synchronous: the event loop waits with it, so keep it short.
   */
  busyTimeoutMs?: number;
  /** Measures lock waits and expiry (default the system clock); not the tokens' expiry. */
  clock?: Clock;
  /** Paces polling of a lock another connection holds (tests inject one that moves a manual clock). */
  sleep?: Sleep;
  /** Receives permission and lock warnings (default: `process.emitWarning`). */
  warn?: Warn;
}

/** The open database and the statements of the hot paths, prepared once. */
interface Connection {
  db: DatabaseSync;
  locks: SqliteLockTable;
  select: StatementSync;
  upsert: StatementSync;
  remove: StatementSync;
  keys: StatementSync;
}

/**
 * Runs a write with `synchronous = FULL`: on disk (WAL fsynced) when it returns, power cut
 * included, since a rotated refresh token lost is a login lost. Lock rows are written with
 * `NORMAL` (safe against a crashed process; a power cut may lose one, which loses no token), so
 * taking and releasing a lock costs no fsync: a `set` does one fsync instead of three.
 */
function durably<T>(db: DatabaseSync, write: () => T): T {
  db.exec('PRAGMA synchronous = FULL');
  try {
    return write();
  } finally {
    db.exec('PRAGMA synchronous = NORMAL');
  }
}

/**
 * Tokens in a SQLite database file on Node's built-in `node:sqlite` (Node 22.13 or newer; no
 * native dependency), shared safely by every process on the machine: for services and scripts
 * that keep many athletes' tokens in one file.
 *
 * - One row per key in `strava_auth_tokens`; the secrets column holds what `sealSecrets` writes,
 *   so with a `cipher` the tokens are encrypted at rest.
 * - WAL mode: readers never wait for a writer; a token write or delete is on disk when it
 *   returns. Versioned migrations run in `BEGIN IMMEDIATE` on open, so any number of processes
 *   may open a fresh file at once.
 * - Locked per key across processes by a row in `strava_auth_locks` with a heartbeat, never by a
 *   transaction held across the callback (see `sqlite-lock.ts`): one athlete's refresh never
 *   blocks another's. In-process callers queue in memory in front of it.
 * - Never silently overwritten: a row that cannot be read throws `CorruptRecordError`, tables of a
 *   newer release `StoreSchemaError`, and a read-only or unopenable file `StoreUnavailableError`.
 *
 * @example
 * const store = new SqliteStore({ path: '/var/lib/my-app/strava-tokens.db' });
 * const manager = new TokenManager({ store, key: String(athleteId), oauth: { clientId, clientSecret } });
 * // ...
 * store.close();
 */
export class SqliteStore implements TokenStore {
  /** The database file (absolute), or `':memory:'`. */
  readonly path: string;
  readonly #name: string;
  readonly #cipher: TokenCipher | undefined;
  readonly #lockTimeoutMs: number;
  readonly #lockTtlMs: number;
  readonly #busyTimeoutMs: number;
  readonly #clock: Clock;
  readonly #sleep: Sleep;
  readonly #warn: Warn;
  readonly #mutex = new KeyedMutex();
  readonly #connection: SqliteConnection<Connection>;

  constructor(options: SqliteStoreOptions) {
    this.#cipher = options.cipher;
    this.#lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
    this.#lockTtlMs = options.lockTtlMs ?? DEFAULT_STALE_LOCK_MS;
    this.#busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
    this.#clock = options.clock ?? systemClock;
    this.#sleep = options.sleep ?? realSleep;
    this.#warn = options.warn ?? emitWarning;
    this.#connection = new SqliteConnection({
      path: options.path,
      owner: 'SqliteStore',
      busyTimeoutMs: this.#busyTimeoutMs,
      schema: TOKEN_SCHEMA,
      prepare: (db) => this.#prepare(db),
      warn: this.#warn,
    });
    this.path = this.#connection.path;
    this.#name = this.#connection.name;
  }

  async get(key: string): Promise<StoredTokens | undefined> {
    assertTokenKey(key);
    return this.#guard(async () => {
      const connection = await this.#connectToRead();
      return connection && this.#read(connection, key);
    });
  }

  async set(key: string, value: StoredTokens): Promise<void> {
    return this.withLock(key, (locked) => locked.set(value));
  }

  async delete(key: string): Promise<void> {
    return this.#withConnectionLock(key, async (connection) => {
      await this.#guard(async () => durably(connection.db, () => connection.remove.run(key)));
    });
  }

  async keys(): Promise<string[]> {
    return this.#guard(async () => {
      const connection = await this.#connectToRead();
      return connection ? (connection.keys.all() as Array<{ key: string }>).map((row) => row.key) : [];
    });
  }

  async withLock<T>(key: string, fn: (locked: LockedTokens) => Promise<T>, options: LockOptions = {}): Promise<T> {
    return this.#withConnectionLock(
      key,
      (connection) =>
        fn({
          key,
          get: () => this.#guard(() => this.#read(connection, key)),
          set: (value) => this.#guard(() => this.#write(connection, key, value)),
        }),
      options,
    );
  }

  /**
   * Opens the database now, creating the file and migrating its tables, rather than on first
   * use: to fail early (at start-up) on a bad path, a read-only file or a newer schema.
   */
  async open(): Promise<void> {
    await this.#guard(() => this.#connection.connect());
  }

  /**
   * Closes the database. Call it once every call on the store has settled; a call after it
   * throws `StoreUnavailableError`.
   */
  close(): void {
    this.#connection.close();
  }

  async #withConnectionLock<T>(key: string, fn: (connection: Connection) => Promise<T>, options: LockOptions = {}): Promise<T> {
    assertTokenKey(key);
    const timeoutMs = options.timeoutMs ?? this.#lockTimeoutMs;
    const start = this.#clock.now();
    const resource = `${this.#name}, table ${LOCKS_TABLE}`;
    return this.#mutex.run(
      key,
      async () => {
        const connection = await this.#guard(() => this.#connection.connect());
        const lock = await this.#guard(() =>
          connection.locks.acquire(key, {
            timeoutMs: Math.max(0, timeoutMs - (this.#clock.now() - start)),
            ttlMs: this.#lockTtlMs,
            clock: this.#clock,
            sleep: this.#sleep,
            resource,
            warn: this.#warn,
          }),
        );
        try {
          return await fn(connection);
        } finally {
          lock.release();
        }
      },
      {
        timeoutMs,
        // Another caller of this very process holds the lock (calling store.set or withLock for
        // the same key inside withLock ends here too: use the locked view there).
        onTimeout: () =>
          new LockTimeoutError({ key, resource: `${resource}, queued in this process`, waitedMs: timeoutMs, holder: { pid: process.pid, hostname: hostname() } }),
      },
    );
  }

  /** Runs `fn`, telling SQLite's and the file system's failures as store errors. */
  async #guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toStoreError(error, this.#name, this.#busyTimeoutMs);
    }
  }

  async #read(connection: Connection, key: string): Promise<StoredTokens | undefined> {
    const row = connection.select.get(key);
    return row && fromRow(row, key, this.#name, this.#cipher);
  }

  async #write(connection: Connection, key: string, value: StoredTokens): Promise<void> {
    assertStoredTokens(value, key);
    // A process without the key never replaces a sealed record with plaintext.
    if (!this.#cipher) assertPlaintextAllowed(connection.select.get(key)?.secrets as string | undefined, key);
    const values = await toRowValues(value, key, this.#cipher);
    durably(connection.db, () => connection.upsert.run(key, ...values, this.#clock.now()));
  }

  /** The connection for a read, or none while the database file does not exist: reads never create it. */
  async #connectToRead(): Promise<Connection | undefined> {
    const connection = this.#connection;
    const missing = !connection.prepared && !connection.closed && this.path !== ':memory:' && statSync(this.path, { throwIfNoEntry: false }) === undefined;
    return missing ? undefined : connection.connect();
  }

  #prepare(db: DatabaseSync): Connection {
    const columns = ROW_COLUMNS.join(', ');
    try {
      return {
        db,
        locks: new SqliteLockTable(db),
        select: db.prepare(`SELECT ${columns} FROM ${TOKENS_TABLE} WHERE key = ?`),
        upsert: db.prepare(
          `INSERT INTO ${TOKENS_TABLE} (key, ${columns}, created_at) VALUES (?, ${ROW_COLUMNS.map(() => '?').join(', ')}, ?) ` +
            `ON CONFLICT (key) DO UPDATE SET ${ROW_COLUMNS.map((column) => `${column} = excluded.${column}`).join(', ')}`,
        ),
        remove: db.prepare(`DELETE FROM ${TOKENS_TABLE} WHERE key = ?`),
        keys: db.prepare(`SELECT key FROM ${TOKENS_TABLE} ORDER BY key`),
      };
    } catch (error) {
      // The version row says the tables are current, yet a statement does not fit them.
      throw new StoreSchemaError({
        store: this.#name,
        problem: `its tables do not match schema version ${SQLITE_SCHEMA_VERSION} (${(error as Error).message})`,
        remedy: `The ${TOKENS_TABLE} or ${LOCKS_TABLE} table was changed outside strava-auth: restore it from a backup, or point the store at a new file.`,
        foundVersion: SQLITE_SCHEMA_VERSION,
        supportedVersion: SQLITE_SCHEMA_VERSION,
      });
    }
  }
}

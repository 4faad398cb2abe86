import type { TokenSetData } from '../core/token-set.ts';

/**
 * Why the stored tokens can no longer be refreshed. The tokens are kept (a person may want to
 * look at them, and `strava-auth status` can say what happened), but every caller gets the same
 * typed error until new tokens replace them.
 */
export interface InvalidMark {
  /** A sentence for people, e.g. what Strava answered. Never contains a token. */
  reason: string;
  /** The `code` of the error that caused it, e.g. `invalid_refresh_token`. */
  code: string;
  /** When it was marked, in ms since the epoch. */
  at: number;
}

/** What a store keeps under one key. */
export interface StoredTokens {
  tokens: TokenSetData;
  /** Present once Strava refused the refresh token; cleared by storing new tokens. */
  invalid?: InvalidMark;
  /** When this record was written, in ms since the epoch (for people and `status` output). */
  updatedAt: number;
}

/**
 * The store's view of one key while its lock is held. Reads see the latest committed value
 * (including writes by other processes made before the lock was taken).
 */
export interface LockedTokens {
  readonly key: string;
  get(): Promise<StoredTokens | undefined>;
  /**
   * Writes the record. It must be durable once `withLock` has settled, whatever the callback did
   * after the write: a store never rolls back what was written through the view (a SQL store in
   * one transaction commits it even when the callback throws; one using a session-level advisory
   * lock simply autocommits). FileStore and MemoryStore make it durable before `set` resolves.
   * A `set` that failed may be called again (the token manager retries it), so a SQL store must
   * not leave its transaction unusable (use a savepoint).
   */
  set(value: StoredTokens): Promise<void>;
}

/** Options of {@link TokenStore.withLock}. */
export interface LockOptions {
  /**
   * How long to wait for the lock before failing with `LockTimeoutError` (store default when
   * absent). Waiting is always bounded, so a stuck holder can never hang every caller.
   */
  timeoutMs?: number;
}

/**
 * Where token sets live, one record per key (a profile name such as `default`, or an athlete id),
 * plus a lock per key shared by every process (or service replica) that uses the same store.
 *
 * Why each piece exists:
 * - `get` is the hot path: every `getAccessToken()` reads the store, so a login, logout or
 *   refresh made by another process is seen at once (the store is the only cache).
 * - `set` and `delete` are for login and logout. They take the key's lock themselves, so they
 *   are ordered with refreshes: a login never lands in the middle of another process's refresh
 *   and gets overwritten by it.
 * - `keys` lets a CLI list profiles and a service list athletes.
 * - `withLock` makes a refresh single-flight across processes: the callback re-reads the record
 *   through the locked view, refreshes only if it is still stale, and writes the result before
 *   the lock is released. It maps onto an `O_EXCL` lock file (FileStore), a `BEGIN IMMEDIATE`
 *   transaction (SQLite), or `pg_advisory_lock` / `SELECT ... FOR UPDATE` (PostgreSQL).
 *
 * Locks are not reentrant: inside `withLock(key, ...)`, use the locked view, never `set(key)`
 * or `withLock(key)` of the same store (that waits for itself until the timeout).
 *
 * Keys must pass {@link assertTokenKey} in every store, so data can move between stores.
 *
 * @example
 * const store: TokenStore = new MemoryStore();
 * await store.withLock('default', async (locked) => {
 *   const current = await locked.get();
 *   // ...refresh if stale...
 *   await locked.set({ tokens: refreshed.toData(), updatedAt: Date.now() });
 * });
 */
export interface TokenStore {
  get(key: string): Promise<StoredTokens | undefined>;
  set(key: string, value: StoredTokens): Promise<void>;
  delete(key: string): Promise<void>;
  /** Every key with a record, sorted. */
  keys(): Promise<string[]>;
  withLock<T>(key: string, fn: (locked: LockedTokens) => Promise<T>, options?: LockOptions): Promise<T>;
}

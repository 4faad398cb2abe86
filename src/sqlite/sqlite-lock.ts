/**
 * The per-key lock of a SQLite token store: a row in the locks table, not an open transaction.
 *
 * Why a row. A write transaction held across a refresh (network calls, retries) would block
 * every other key's writers too: SQLite has one writer per file. A row is taken in a short
 * `BEGIN IMMEDIATE` transaction and the file is free again at once; other keys never wait.
 *
 * - Take: in `BEGIN IMMEDIATE`, read the key's row; take it (insert or replace) when there is
 *   none, or its holder is dead. The transaction makes read-and-take atomic across processes.
 * - Alive: the holder moves `expires_at` forward every `ttlMs / 3` (a heartbeat), so a slow
 *   refresh is never mistaken for a dead holder.
 * - Dead: `expires_at` has passed (by the waiter's clock), or the holder's pid is gone on this
 *   host (a process killed with SIGKILL is taken over at once, as the file store's lock does).
 * - Release: delete the row by key and owner id, so a holder whose lock was taken over can
 *   never delete its successor's.
 * - Waiting: bounded, jittered backoff (2 ms doubling to 100 ms) with the injected sleep, then
 *   `LockTimeoutError` naming the database and the holder.
 */
import { hostname as osHostname } from 'node:os';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { Clock } from '../core/clock.ts';
import type { Sleep } from '../core/retry.ts';
import { processExists } from '../node/file-lock.ts';
import { lockBackoff } from '../node/lock-backoff.ts';
import type { Warn } from '../node/private-files.ts';
import { LockTimeoutError } from '../tokens/errors/lock-timeout-error.ts';
import { immediateTransaction } from './immediate-transaction.ts';
import { SQLITE_BUSY, sqliteCode } from './sqlite-error.ts';
import { LOCKS_TABLE } from './sqlite-schema.ts';

/** A row of the locks table. */
export interface LockRow {
  key: string;
  owner: string;
  pid: number | null;
  hostname: string | null;
  /** The holder's last heartbeat, ms since the epoch by its clock. */
  alive_at: number;
  /** When the holder is presumed dead unless it beats again, ms since the epoch. */
  expires_at: number;
}

/** Options of {@link SqliteLockTable.acquire}. */
export interface SqliteLockOptions {
  timeoutMs: number;
  /** How long a holder stays alive without a heartbeat. */
  ttlMs: number;
  clock: Clock;
  sleep: Sleep;
  /** Names the lock in errors and warnings, e.g. the database file. */
  resource: string;
  /** Told when the lock was taken over while held, or could not be released. */
  warn: Warn;
}

/** A held lock. */
export interface SqliteLock {
  /** True once a heartbeat or the release found the row gone or someone else's. */
  readonly lost: boolean;
  /** Deletes the row; never throws (a row left behind expires within the lock's ttl). */
  release(): void;
}

/** The locks table of one connection. */
export class SqliteLockTable {
  readonly #select: StatementSync;
  readonly #take: StatementSync;
  readonly #beat: StatementSync;
  readonly #delete: StatementSync;
  readonly #db: DatabaseSync;
  readonly #hostname = osHostname();

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#select = db.prepare(`SELECT key, owner, pid, hostname, alive_at, expires_at FROM ${LOCKS_TABLE} WHERE key = ?`);
    this.#take = db.prepare(`INSERT OR REPLACE INTO ${LOCKS_TABLE} (key, owner, pid, hostname, alive_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`);
    this.#beat = db.prepare(`UPDATE ${LOCKS_TABLE} SET alive_at = ?, expires_at = ? WHERE key = ? AND owner = ?`);
    this.#delete = db.prepare(`DELETE FROM ${LOCKS_TABLE} WHERE key = ? AND owner = ?`);
  }

  /** The row of `key`, held or expired, or undefined when nobody holds it. */
  holder(key: string): LockRow | undefined {
    return this.#select.get(key) as LockRow | undefined;
  }

  /** Whether the holder of `row` is dead at `now`. */
  isDead(row: LockRow, now: number): boolean {
    if (!(row.expires_at > now)) return true;
    return row.hostname === this.#hostname && typeof row.pid === 'number' && !processExists(row.pid);
  }

  /** Takes `key`'s lock, waiting while a live holder has it; see the module comment. */
  async acquire(key: string, options: SqliteLockOptions): Promise<SqliteLock> {
    const { clock } = options;
    const owner = crypto.randomUUID();
    const wait = { start: clock.now(), timeoutMs: options.timeoutMs, clock, sleep: options.sleep };
    let holder: LockRow | undefined;
    for (let attempt = 0; ; attempt++) {
      let found: LockRow | undefined | 'busy';
      try {
        found = this.#tryTake(key, owner, options);
      } catch (error) {
        // Another connection kept the file's write lock past the busy timeout: just another wait.
        if (sqliteCode(error) !== SQLITE_BUSY) throw error;
        found = 'busy';
      }
      if (found === undefined) return this.#hold(key, owner, options);
      if (found !== 'busy') holder = found;
      await lockBackoff(attempt, wait, (waitedMs) =>
        new LockTimeoutError({
          key,
          resource: options.resource,
          waitedMs,
          holder: holder && {
            ...(holder.pid === null ? {} : { pid: holder.pid }),
            ...(holder.hostname === null ? {} : { hostname: holder.hostname }),
            ageMs: clock.now() - holder.alive_at,
          },
        }),
      );
    }
  }

  /** Takes the lock if it is free or its holder is dead; else returns the live holder's row. */
  #tryTake(key: string, owner: string, options: SqliteLockOptions): LockRow | undefined {
    return immediateTransaction(this.#db, () => {
      const now = options.clock.now();
      const row = this.holder(key);
      if (row && !this.isDead(row, now)) return row;
      this.#take.run(key, owner, process.pid, this.#hostname, now, now + options.ttlMs);
      return undefined;
    });
  }

  #hold(key: string, owner: string, options: SqliteLockOptions): SqliteLock {
    const { clock, ttlMs, warn, resource } = options;
    let lost = false;
    const markLost = () => {
      if (lost) return;
      lost = true;
      warn(`strava-auth: the lock of "${key}" in ${resource} was taken over while this process held it (was it paused for more than ${ttlMs / 1000} s?).`);
    };
    const heartbeat = setInterval(() => {
      try {
        const now = clock.now();
        if (Number(this.#beat.run(now, now + ttlMs, key, owner).changes) === 0) {
          clearInterval(heartbeat);
          markLost();
        }
      } catch {
        // Busy or closed: the next beat tries again, and the lock has ttlMs of slack.
      }
    }, Math.max(10, Math.floor(ttlMs / 3)));
    heartbeat.unref();
    let released = false;
    return {
      get lost() {
        return lost;
      },
      release: () => {
        if (released) return;
        released = true;
        clearInterval(heartbeat);
        try {
          if (Number(this.#delete.run(key, owner).changes) === 0) markLost();
        } catch (error) {
          warn(`strava-auth: the lock of "${key}" in ${resource} could not be released (${(error as Error).message}); other processes take it over within ${ttlMs / 1000} s.`);
        }
      },
    };
  }
}

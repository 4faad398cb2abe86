import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { ensurePrivateDir, ensurePrivateFile, permissionWarning, type Warn } from '../node/private-files.ts';
import { StoreUnavailableError } from '../tokens/errors/store-unavailable-error.ts';
import { loadSqlite } from './load-sqlite.ts';
import { migrateTo, type SchemaPlan } from './sqlite-schema.ts';

const MEMORY = ':memory:';

/** Options of {@link SqliteConnection}. */
export interface SqliteConnectionOptions<T> {
  /** The database file (resolved against the working directory), or `':memory:'`. */
  path: string;
  /** The class that uses the connection, named in the error of a call after `close()`. */
  owner: string;
  /** How long one statement waits for another connection's write. */
  busyTimeoutMs: number;
  /** The caller's tables and their migrations, run on open. */
  schema: SchemaPlan;
  /** Prepares the caller's statements on the migrated database; what it returns is what {@link SqliteConnection.connect} gives. */
  prepare: (db: DatabaseSync) => T;
  /** Receives the warnings about a database other users can get at. */
  warn: Warn;
  /** What is at stake in the file, in those warnings (default: Strava tokens). */
  holds?: string;
}

/**
 * One store's connection to its SQLite database, opened on first use and closed once: the
 * directory made 0700 and the file 0600 before SQLite creates them (its -wal and -shm files take
 * the file's mode), WAL with `synchronous = NORMAL`, the caller's migrations and statements, a
 * warning for each of the files others can read. A failed open closes what it opened; a `close()`
 * while the open is under way closes the database as soon as the open ends, and every call after
 * it rejects with `StoreUnavailableError`.
 */
export class SqliteConnection<T> {
  /** The database file (absolute), or `':memory:'`. */
  readonly path: string;
  /** Names the database in errors. */
  readonly name: string;
  readonly #options: SqliteConnectionOptions<T>;
  #db: DatabaseSync | undefined;
  #prepared: T | undefined;
  #opening: Promise<T> | undefined;
  #closed = false;

  constructor(options: SqliteConnectionOptions<T>) {
    this.path = options.path === MEMORY ? MEMORY : resolve(options.path);
    this.name = this.path === MEMORY ? 'in-memory SQLite database' : this.path;
    this.#options = options;
  }

  /** What `prepare` gave, while the database is open. */
  get prepared(): T | undefined {
    return this.#prepared;
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** What `prepare` gave, opening (and migrating) the database on first use; concurrent callers share one open. */
  connect(): Promise<T> {
    if (this.#closed) {
      const { owner } = this.#options;
      return Promise.reject(
        new StoreUnavailableError({ store: this.name, problem: `close() was called on this ${owner}`, remedy: `Create a new ${owner} to use the database again.` }),
      );
    }
    if (this.#prepared !== undefined) return Promise.resolve(this.#prepared);
    this.#opening ??= this.#open().finally(() => {
      this.#opening = undefined;
    });
    return this.#opening;
  }

  /** Closes the database; an open under way closes it when it ends. */
  close(): void {
    this.#closed = true;
    this.#db?.close();
    this.#db = undefined;
    this.#prepared = undefined;
  }

  async #open(): Promise<T> {
    const { busyTimeoutMs, schema, prepare } = this.#options;
    const { DatabaseSync } = loadSqlite(this.name);
    const file = this.path !== MEMORY;
    if (file) {
      await ensurePrivateDir(dirname(this.path));
      await ensurePrivateFile(this.path);
    }
    const db = new DatabaseSync(this.path);
    let prepared: T;
    try {
      db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
      if (file) db.exec('PRAGMA journal_mode = WAL');
      // A commit fsyncs at checkpoints only: safe against a crashed process. SqliteStore raises it
      // to FULL around token writes.
      db.exec('PRAGMA synchronous = NORMAL');
      migrateTo(db, this.name, schema);
      prepared = prepare(db);
    } catch (error) {
      db.close();
      throw error;
    }
    if (this.#closed) {
      db.close();
      return this.connect(); // rejects: closed while opening
    }
    if (file) this.#checkModes();
    this.#db = db;
    this.#prepared = prepared;
    return prepared;
  }

  /** Warns about a database (or its directory, -wal or -shm file) other users can get at. */
  #checkModes(): void {
    const checks: Array<[string, 'file' | 'directory']> = [
      [dirname(this.path), 'directory'],
      [this.path, 'file'],
      [`${this.path}-wal`, 'file'],
      [`${this.path}-shm`, 'file'],
    ];
    for (const [path, kind] of checks) {
      const mode = statSync(path, { throwIfNoEntry: false })?.mode;
      const warning = mode === undefined ? undefined : permissionWarning(path, mode, kind, this.#options.holds);
      if (warning) this.#options.warn(warning);
    }
  }
}

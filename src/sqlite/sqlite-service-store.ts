import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { emitWarning, type Warn } from '../node/private-files.ts';
import type { ApiKeyRecord, AthleteStatus, PendingLogin, ServiceStore } from '../server/service-store.ts';
import { DEFAULT_BUSY_TIMEOUT_MS } from './sqlite-store.ts';
import { SqliteConnection } from './sqlite-connection.ts';
import { toStoreError } from './sqlite-error.ts';
import { API_KEYS_TABLE, ATHLETE_STATUS_TABLE, PENDING_LOGINS_TABLE, SERVICE_SCHEMA, WEBHOOK_EVENTS_TABLE } from './sqlite-service-schema.ts';

/** Webhook event keys are kept this long: Strava retries a delivery for minutes, not weeks. */
const EVENT_RETENTION_MS = 7 * 24 * 3600 * 1000;

/** Options of {@link SqliteServiceStore}. */
export interface SqliteServiceStoreOptions {
  /** The database file (usually the token store's own), or `':memory:'`. */
  path: string;
  busyTimeoutMs?: number;
  /** Receives permission warnings (default: `process.emitWarning`). */
  warn?: Warn;
}

type Statements = Record<
  'putLogin' | 'dropExpiredLogins' | 'takeLogin' | 'addKey' | 'listKeys' | 'hasKeyHash' | 'revokeKey' | 'getStatus' | 'setStatus' | 'clearStatus' | 'listStatuses' | 'addEvent' | 'dropOldEvents' | 'ping',
  StatementSync
>;

/** The statements of every method, prepared once on the migrated database. */
function prepare(db: DatabaseSync): Statements {
  return {
    // One statement: it takes the write lock before it counts, so a put on another connection
    // cannot come between the count and the insert.
    putLogin: db.prepare(
      `INSERT OR REPLACE INTO ${PENDING_LOGINS_TABLE} (state, scopes, return_to, created_at, expires_at) SELECT ?1, ?2, ?3, ?4, ?5
       WHERE (SELECT count(*) FROM ${PENDING_LOGINS_TABLE} WHERE expires_at >= ?4 AND state <> ?1) < ?6`,
    ),
    dropExpiredLogins: db.prepare(`DELETE FROM ${PENDING_LOGINS_TABLE} WHERE expires_at < ?`),
    takeLogin: db.prepare(`DELETE FROM ${PENDING_LOGINS_TABLE} WHERE state = ? RETURNING scopes, return_to, created_at, expires_at`),
    addKey: db.prepare(`INSERT INTO ${API_KEYS_TABLE} (id, hash, label, created_at) VALUES (?, ?, ?, ?)`),
    listKeys: db.prepare(`SELECT id, hash, label, created_at FROM ${API_KEYS_TABLE} ORDER BY created_at, id`),
    hasKeyHash: db.prepare(`SELECT 1 FROM ${API_KEYS_TABLE} WHERE hash = ?`),
    revokeKey: db.prepare(`DELETE FROM ${API_KEYS_TABLE} WHERE id = ?`),
    getStatus: db.prepare(`SELECT reason, at FROM ${ATHLETE_STATUS_TABLE} WHERE athlete_id = ?`),
    setStatus: db.prepare(`INSERT OR REPLACE INTO ${ATHLETE_STATUS_TABLE} (athlete_id, status, reason, at) VALUES (?, ?, ?, ?)`),
    clearStatus: db.prepare(`DELETE FROM ${ATHLETE_STATUS_TABLE} WHERE athlete_id = ?`),
    listStatuses: db.prepare(`SELECT athlete_id, reason, at FROM ${ATHLETE_STATUS_TABLE} ORDER BY athlete_id`),
    addEvent: db.prepare(`INSERT OR IGNORE INTO ${WEBHOOK_EVENTS_TABLE} (event_key, received_at) VALUES (?, ?)`),
    dropOldEvents: db.prepare(`DELETE FROM ${WEBHOOK_EVENTS_TABLE} WHERE received_at < ?`),
    ping: db.prepare('SELECT 1'),
  };
}

/**
 * The service state of `strava-auth serve` in a SQLite file, next to SqliteStore's tables in the
 * same file (its own version row and migrations, so either can move on alone). Every method is one
 * or two statements in autocommit; a pending login is taken with `DELETE ... RETURNING`, atomic
 * across processes, so a state works exactly once whichever replica receives the callback, and put
 * with `INSERT ... SELECT ... WHERE count < max`, so the cap holds across processes too.
 */
export class SqliteServiceStore implements ServiceStore {
  /** The database file (absolute), or `':memory:'`. */
  readonly path: string;
  readonly #busyTimeoutMs: number;
  readonly #connection: SqliteConnection<Statements>;

  constructor(options: SqliteServiceStoreOptions) {
    this.#busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
    this.#connection = new SqliteConnection({
      path: options.path,
      owner: 'SqliteServiceStore',
      busyTimeoutMs: this.#busyTimeoutMs,
      schema: SERVICE_SCHEMA,
      prepare,
      warn: options.warn ?? emitWarning,
      holds: "the token service's state (API key hashes, pending logins)",
    });
    this.path = this.#connection.path;
  }

  /** Opens (creating and migrating) the database now, to fail at start-up rather than on first use. */
  async open(): Promise<void> {
    await this.#run(() => undefined);
  }

  async putPendingLogin(state: string, login: PendingLogin, max: number): Promise<boolean> {
    return this.#run((s) => {
      s.dropExpiredLogins.run(login.createdAt);
      return Number(s.putLogin.run(state, JSON.stringify(login.scopes), login.returnTo ?? null, login.createdAt, login.expiresAt, max).changes) > 0;
    });
  }

  async takePendingLogin(state: string): Promise<PendingLogin | undefined> {
    return this.#run((s) => {
      const row = s.takeLogin.get(state) as { scopes: string; return_to: string | null; created_at: number; expires_at: number } | undefined;
      if (!row) return undefined;
      return {
        scopes: JSON.parse(row.scopes) as string[],
        ...(row.return_to === null ? {} : { returnTo: row.return_to }),
        createdAt: row.created_at,
        expiresAt: row.expires_at,
      };
    });
  }

  async addApiKey(key: ApiKeyRecord): Promise<void> {
    await this.#run((s) => s.addKey.run(key.id, key.hash, key.label, key.createdAt));
  }

  async listApiKeys(): Promise<ApiKeyRecord[]> {
    return this.#run((s) =>
      (s.listKeys.all() as Array<{ id: string; hash: string; label: string; created_at: number }>).map((row) => ({
        id: row.id,
        hash: row.hash,
        label: row.label,
        createdAt: row.created_at,
      })),
    );
  }

  async hasApiKeyHash(hash: string): Promise<boolean> {
    return this.#run((s) => s.hasKeyHash.get(hash) !== undefined);
  }

  async revokeApiKey(id: string): Promise<boolean> {
    return this.#run((s) => Number(s.revokeKey.run(id).changes) > 0);
  }

  async getAthleteStatus(athleteId: number): Promise<AthleteStatus | undefined> {
    return this.#run((s) => {
      const row = s.getStatus.get(athleteId) as { reason: string; at: number } | undefined;
      return row && { status: 'revoked' as const, reason: row.reason, at: row.at };
    });
  }

  async setAthleteStatus(athleteId: number, status: AthleteStatus): Promise<void> {
    await this.#run((s) => s.setStatus.run(athleteId, status.status, status.reason, status.at));
  }

  async clearAthleteStatus(athleteId: number): Promise<void> {
    await this.#run((s) => s.clearStatus.run(athleteId));
  }

  async listAthleteStatuses(): Promise<Array<{ athleteId: number } & AthleteStatus>> {
    return this.#run((s) =>
      (s.listStatuses.all() as Array<{ athlete_id: number; reason: string; at: number }>).map((row) => ({
        athleteId: row.athlete_id,
        status: 'revoked' as const,
        reason: row.reason,
        at: row.at,
      })),
    );
  }

  async recordEventOnce(eventKey: string, at: number): Promise<boolean> {
    return this.#run((s) => {
      s.dropOldEvents.run(at - EVENT_RETENTION_MS);
      return Number(s.addEvent.run(eventKey, at).changes) > 0;
    });
  }

  async ping(): Promise<void> {
    await this.#run((s) => s.ping.get());
  }

  async close(): Promise<void> {
    this.#connection.close();
  }

  /** Runs `fn` on the open statements, telling SQLite's failures as StoreUnavailableError. */
  async #run<T>(fn: (statements: Statements) => T): Promise<T> {
    try {
      return fn(this.#connection.prepared ?? (await this.#connection.connect()));
    } catch (error) {
      throw toStoreError(error, this.#connection.name, this.#busyTimeoutMs);
    }
  }
}

/**
 * The token service's own state, beside the token store: what has to be shared by every replica
 * of `strava-auth serve` on one database, and nothing a replica could keep in memory instead.
 */

/** A login between `/connect` and `/callback`, kept under its state so any replica can finish it. */
export interface PendingLogin {
  /** The scopes asked for (to tell the athlete which ones they unticked). */
  scopes: string[];
  /** Where to send the browser afterwards (already checked against the allowed list). */
  returnTo?: string;
  /** ms since the epoch. */
  createdAt: number;
  /** After this (ms since the epoch) the state is refused as expired. */
  expiresAt: number;
}

/** A service API key as stored: never the key itself, only its SHA-256. */
export interface ApiKeyRecord {
  /** Public handle of the key (shown by `keys list`, used by `keys revoke`). */
  id: string;
  /** Hex SHA-256 of the whole key. */
  hash: string;
  label: string;
  /** ms since the epoch. */
  createdAt: number;
}

/** Why the service no longer hands out tokens for an athlete that it still remembers. */
export interface AthleteStatus {
  status: 'revoked';
  /** Sentence for people: who revoked and how (a webhook, the API). */
  reason: string;
  /** ms since the epoch. */
  at: number;
}

/**
 * What the service keeps besides tokens. Each method is one short statement on a SQL store, so
 * every replica sees the others' writes at once:
 * - pending logins are taken (read and deleted) atomically: a state works once, on any replica;
 *   they are put only while fewer than a cap are unexpired, which bounds what `/connect` can store;
 * - API keys are stored hashed; the hot path looks up the presented key's hash (indexed);
 * - athlete statuses remember a revocation after the tokens are gone (410 rather than 404);
 * - webhook events are recorded once, so a retried delivery is handled once.
 */
export interface ServiceStore {
  /**
   * Stores the pending login of `state`, unless `max` unexpired ones (`expiresAt` at or after
   * `login.createdAt`) are stored already: then false, and nothing changes. The count and the
   * insert are one atomic step, so replicas putting at once never pass `max` between them.
   * Expired ones may be dropped here.
   */
  putPendingLogin(state: string, login: PendingLogin, max: number): Promise<boolean>;
  /** Deletes and returns the pending login of `state`; undefined when unknown or already taken. */
  takePendingLogin(state: string): Promise<PendingLogin | undefined>;

  addApiKey(key: ApiKeyRecord): Promise<void>;
  listApiKeys(): Promise<ApiKeyRecord[]>;
  /** Whether a live key has this hash: one indexed lookup (the service keeps a yes for its cache time). */
  hasApiKeyHash(hash: string): Promise<boolean>;
  /** False when no key has this id. A store that can {@link watch} announces `{ kind: 'keys' }`. */
  revokeApiKey(id: string): Promise<boolean>;

  getAthleteStatus(athleteId: number): Promise<AthleteStatus | undefined>;
  setAthleteStatus(athleteId: number, status: AthleteStatus): Promise<void>;
  clearAthleteStatus(athleteId: number): Promise<void>;
  /** Every athlete with a status, ascending by id. */
  listAthleteStatuses(): Promise<Array<{ athleteId: number } & AthleteStatus>>;

  /** Records an event key; false when it was already recorded (a duplicate delivery). */
  recordEventOnce(eventKey: string, at: number): Promise<boolean>;

  /** Throws when the database cannot be reached (for `/readyz`). */
  ping(): Promise<void>;

  /**
   * Optional: tells every replica watching this database that `change` happened, so they drop
   * what they keep of it in memory at once (PostgreSQL: NOTIFY). Without it they learn of it when
   * their cache entries expire.
   */
  announce?(change: ServiceChange): Promise<void>;
  /**
   * Optional: calls `listener` with each change any replica announces, and with `{ kind: 'all' }`
   * whenever some may have been missed (the watching connection was lost, or is back). Resolves
   * once watching; rejects when it cannot yet (and keeps trying). Several listeners may watch;
   * watching ends with {@link close}.
   */
  watch?(listener: (change: ServiceChange) => void): Promise<void>;
  close(): Promise<void>;
}

/**
 * What a replica tells the others it changed: one athlete's tokens or status, the API keys, or
 * (possibly) anything; `reason` says why a watcher hands out 'all': it lost the connection it
 * hears on, or hears again after that.
 */
export type ServiceChange = { kind: 'athlete'; athleteId: number } | { kind: 'keys' } | { kind: 'all'; reason?: 'lost' | 'back' };

/**
 * Changes the token service's replicas announce to each other through PostgreSQL's
 * LISTEN/NOTIFY, so a revocation on one replica reaches the others' caches at once rather than
 * when their entries expire. One channel for every schema; the payload names its schema.
 */
import { randomToken } from '../core/random.ts';
import type { ServiceChange } from '../server/service-store.ts';
import { StoreUnavailableError } from '../tokens/errors/store-unavailable-error.ts';
import type { PgNotification, PgPool, PgPoolClient, PgQueryable } from './pg-driver.ts';

/** The NOTIFY channel of every strava-auth service. */
export const CHANGE_CHANNEL = 'strava_auth_changes';

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 10_000;
/** A connection that lasted this long was good: the next loss starts the delays over. */
const STEADY_MS = 10_000;
/** How long a probe may take to arrive once sent. */
const PROBE_TIMEOUT_MS = 5_000;
/** How often the listening connection proves it still hears (a connection dropped silently by a NAT or a balancer says nothing). */
const HEARTBEAT_MS = 30_000;

/** Timings of {@link PostgresChangeFeed} (tests shorten them). */
export interface ChangeFeedTimings {
  probeTimeoutMs: number;
  heartbeatMs: number;
}

/** The payload announcing `change` for the tables of `schema`. */
export function changePayload(schema: string, change: ServiceChange): string {
  return JSON.stringify({ schema, ...change });
}

/** Sends `change` to every replica listening (delivered when the surrounding transaction commits). */
export async function announceChange(db: PgQueryable, schema: string, change: ServiceChange): Promise<void> {
  await db.query('SELECT pg_notify($1, $2)', [CHANGE_CHANNEL, changePayload(schema, change)]);
}

/** What a notification says to the feed of `schema`: a change, a probe, or nothing (another schema's). */
export function parseNotification(message: PgNotification, schema: string): ServiceChange | { kind: 'probe'; id: string } | undefined {
  if (message.channel !== CHANGE_CHANNEL || message.payload === undefined) return undefined;
  let parsed: { schema?: unknown; kind?: unknown; athleteId?: unknown; id?: unknown };
  try {
    parsed = JSON.parse(message.payload) as typeof parsed;
  } catch {
    return { kind: 'all' }; // someone else's payload on our channel: safest to forget everything
  }
  if (parsed.schema !== schema) return undefined;
  if (parsed.kind === 'probe') return typeof parsed.id === 'string' ? { kind: 'probe', id: parsed.id } : undefined;
  if (parsed.kind === 'athlete' && Number.isSafeInteger(parsed.athleteId)) return { kind: 'athlete', athleteId: parsed.athleteId as number };
  if (parsed.kind === 'keys') return { kind: 'keys' };
  return { kind: 'all' };
}

/** The listening connection, and a promise that settles (false) when it is lost. */
interface Listening {
  client: PgPoolClient;
  lost: Promise<false>;
}

/**
 * Holds one pooled connection LISTENing on {@link CHANGE_CHANNEL} and hands the changes for
 * `schema` to `listener`. When the connection is lost it says `{ kind: 'all', reason: 'lost' }`
 * (what was missed is unknown), connects again with a growing delay, and says
 * `{ kind: 'all', reason: 'back' }` once it hears again.
 *
 * A connection proves it hears by having a probe sent to it from another connection, when it
 * starts and every 30 s: behind a pooler in transaction mode LISTEN holds on a server session that
 * is not the client's between statements, and a connection a NAT dropped silently hears nothing;
 * either way nothing would arrive, and nothing would say so.
 */
export class PostgresChangeFeed {
  readonly #pool: () => Promise<PgPool>;
  readonly #schema: string;
  readonly #label: string;
  readonly #listener: (change: ServiceChange) => void;
  readonly #probes = new Map<string, () => void>();
  #listening: Listening | undefined;
  #since = 0;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #delayMs = FIRST_RETRY_MS;
  #stopped = false;
  readonly #timings: ChangeFeedTimings;

  /** `label` names the database in errors (no password). */
  constructor(pool: () => Promise<PgPool>, schema: string, label: string, listener: (change: ServiceChange) => void, timings: Partial<ChangeFeedTimings> = {}) {
    this.#pool = pool;
    this.#schema = schema;
    this.#label = label;
    this.#listener = listener;
    this.#timings = { probeTimeoutMs: PROBE_TIMEOUT_MS, heartbeatMs: HEARTBEAT_MS, ...timings };
  }

  /**
   * Listens now. When it cannot (the database unreachable, or a probe that never arrives) it
   * rejects, so the caller can say so, and keeps trying in the background.
   */
  async begin(): Promise<void> {
    let heard: boolean;
    try {
      heard = await this.#listen();
    } catch (error) {
      if (this.#stopped) return; // closed meanwhile: nothing to say
      this.#retryLater();
      throw error;
    }
    if (this.#stopped) return;
    if (!heard) {
      this.#retryLater();
      throw this.#undelivered();
    }
    this.#startHeartbeat();
  }

  /** Stops listening, probing and retrying; the connection is closed rather than returned to the pool. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#retry);
    clearInterval(this.#heartbeat);
    const listening = this.#listening;
    this.#listening = undefined;
    listening?.client.release(true);
  }

  /** Listens on a new connection; false (and closed) when a probe sent to it does not arrive. */
  async #listen(): Promise<boolean> {
    const pool = await this.#pool();
    const client = await pool.connect();
    let released = false;
    let signalLost!: () => void;
    const lost = new Promise<false>((resolve) => (signalLost = () => resolve(false)));
    const listening: Listening = { client, lost };
    const release = () => {
      if (released) return;
      released = true;
      client.release(true);
    };
    // Once per connection, whichever of 'error' and 'end' comes first.
    let gone = false;
    const onGone = () => {
      if (gone) return;
      gone = true;
      signalLost();
      this.#lost(listening, release);
    };
    client.on('error', onGone);
    client.on('end', onGone);
    client.on('notification', (message) => {
      const said = parseNotification(message, this.#schema);
      if (said?.kind === 'probe') this.#probes.get(said.id)?.();
      else if (said) this.#listener(said);
    });
    let heard: boolean;
    try {
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
      heard = await this.#probe(pool, lost);
      // So that pg_stat_activity tells this connection from the pool's (it is never reused).
      if (heard) await client.query(`SELECT set_config('application_name', left(ltrim(current_setting('application_name') || ' (change feed)'), 63), false)`);
    } catch (error) {
      release();
      throw error;
    }
    if (this.#stopped || !heard || gone) {
      release();
      return heard && !gone;
    }
    this.#listening = listening;
    this.#since = Date.now();
    return true;
  }

  /**
   * Sends a probe from another pooled connection and waits for it to arrive: false when it does
   * not within the timeout, which starts once the probe is sent (a busy pool may queue it), or
   * when the listening connection is lost meanwhile.
   */
  async #probe(pool: PgPool, lost: Promise<false>): Promise<boolean> {
    const id = randomToken(12);
    const arrived = new Promise<true>((resolve) => this.#probes.set(id, () => resolve(true)));
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await pool.query('SELECT pg_notify($1, $2)', [CHANGE_CHANNEL, JSON.stringify({ schema: this.#schema, kind: 'probe', id })]);
      const timeout = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), this.#timings.probeTimeoutMs);
        timer.unref?.();
      });
      return await Promise.race([arrived, timeout, lost]);
    } finally {
      clearTimeout(timer);
      this.#probes.delete(id);
    }
  }

  /** Probes the listening connection every heartbeatMs from now on (once started, it runs until stop()). */
  #startHeartbeat(): void {
    if (this.#heartbeat) return;
    this.#heartbeat = setInterval(() => void this.#checkHeard(), this.#timings.heartbeatMs);
    this.#heartbeat.unref?.();
  }

  /** The heartbeat: a listening connection whose probe does not arrive is treated as lost. */
  async #checkHeard(): Promise<void> {
    const listening = this.#listening;
    if (!listening || this.#stopped) return;
    let heard: boolean;
    try {
      heard = await this.#probe(await this.#pool(), listening.lost);
    } catch {
      return; // the database is unreachable: the connection's own error, if it is gone too, says so
    }
    if (!heard && this.#listening === listening) this.#lost(listening, () => listening.client.release(true));
  }

  /** `listening` is gone (ignored unless it is the current one: #listen() handles its own, stop() closed it). */
  #lost(listening: Listening, release: () => void): void {
    if (this.#stopped || this.#listening !== listening) return;
    this.#listening = undefined;
    release();
    // A connection that drops right after it listens (a server-side idle timeout) must not make
    // the replica reconnect, and empty its caches, ten times a second.
    if (Date.now() - this.#since >= STEADY_MS) this.#delayMs = FIRST_RETRY_MS;
    this.#listener({ kind: 'all', reason: 'lost' });
    this.#retryLater();
  }

  #retryLater(): void {
    if (this.#stopped) return;
    const delayMs = this.#delayMs;
    this.#delayMs = Math.min(delayMs * 2, MAX_RETRY_MS);
    this.#retry = setTimeout(() => {
      this.#listen().then(
        (heard) => {
          if (this.#stopped) return;
          if (!heard) return this.#retryLater();
          this.#startHeartbeat();
          this.#listener({ kind: 'all', reason: 'back' }); // changes made while away are unknown
        },
        () => this.#retryLater(),
      );
    }, delayMs);
    this.#retry.unref?.();
  }

  #undelivered(): StoreUnavailableError {
    return new StoreUnavailableError({
      store: this.#label,
      problem:
        'a notification sent to its listening connection did not arrive, so replicas cannot tell each other of revocations (LISTEN does not work through a pooler in transaction mode; or the database is very slow)',
      remedy: 'Give strava-auth serve a direct or session-mode connection to PostgreSQL. It keeps trying; meanwhile each replica sees the others\u2019 revocations within --cache-ms.',
    });
  }
}

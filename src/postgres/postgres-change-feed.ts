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
/** How long the feed waits for its own probe to come back before it concludes LISTEN does not work. */
const PROBE_TIMEOUT_MS = 2_000;

/** The payload announcing `change` for the tables of `schema`. */
export function changePayload(schema: string, change: ServiceChange): string {
  return JSON.stringify({ schema, ...change });
}

/** Sends `change` to every replica listening (delivered when the surrounding transaction commits). */
export async function announceChange(db: PgQueryable, schema: string, change: ServiceChange): Promise<void> {
  await db.query('SELECT pg_notify($1, $2)', [CHANGE_CHANNEL, changePayload(schema, change)]);
}

/** What a notification says to the feed of `schema`: a change, its own probe, or nothing (another schema's). */
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

/**
 * Holds one pooled connection LISTENing on {@link CHANGE_CHANNEL} and hands the changes for
 * `schema` to `listener`. When the connection is lost it says `{ kind: 'all' }` (what was missed
 * is unknown), connects again with a growing delay, and says `{ kind: 'all' }` once back.
 *
 * Each connection proves it hears notifications by having one sent to it from another: behind a
 * pooler in transaction mode (PgBouncer's default), LISTEN holds on a server session that is not
 * this client's between statements, and nothing would ever arrive.
 */
export class PostgresChangeFeed {
  readonly #pool: () => Promise<PgPool>;
  readonly #schema: string;
  readonly #label: string;
  readonly #listener: (change: ServiceChange) => void;
  #client: PgPoolClient | undefined;
  #since = 0;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #delayMs = FIRST_RETRY_MS;
  #stopped = false;

  /** `label` names the database in errors (no password). */
  constructor(pool: () => Promise<PgPool>, schema: string, label: string, listener: (change: ServiceChange) => void) {
    this.#pool = pool;
    this.#schema = schema;
    this.#label = label;
    this.#listener = listener;
  }

  /**
   * Listens now. When the database cannot be reached it keeps trying in the background (saying
   * `{ kind: 'all' }` once it listens) and rejects, so the caller can say so; when notifications
   * do not come back on the connection, it rejects and gives up.
   */
  async begin(): Promise<void> {
    let heard: boolean;
    try {
      heard = await this.#listen();
    } catch (error) {
      if (!this.#stopped) this.#retryLater();
      throw error;
    }
    if (!heard) throw this.#undelivered();
  }

  /** Stops listening and retrying; the connection is closed rather than returned to the pool. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#retry);
    const client = this.#client;
    this.#client = undefined;
    client?.release(true);
  }

  /** Listens on a new connection; false (and closed) when a probe sent to it does not arrive. */
  async #listen(): Promise<boolean> {
    const pool = await this.#pool();
    const client = await pool.connect();
    let lost = false;
    const probes = new Map<string, () => void>();
    // Once per connection, whichever of 'error' and 'end' comes first.
    const onLost = () => {
      if (lost) return;
      lost = true;
      this.#lost(client);
    };
    client.on('error', onLost);
    client.on('end', onLost);
    client.on('notification', (message) => {
      const said = parseNotification(message, this.#schema);
      if (said?.kind === 'probe') probes.get(said.id)?.();
      else if (said) this.#listener(said);
    });
    let heard = false;
    try {
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
      const id = randomToken(12);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const back = new Promise<boolean>((resolve) => {
        probes.set(id, () => resolve(true));
        timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS);
      });
      // From another connection, as a replica's announcement comes: through a transaction-mode
      // pooler, one sent on this connection could land on its own server session and be heard.
      await pool.query('SELECT pg_notify($1, $2)', [CHANGE_CHANNEL, JSON.stringify({ schema: this.#schema, kind: 'probe', id })]);
      heard = await back;
      clearTimeout(timer);
      if (lost) throw new Error('The connection was lost as it started to listen.');
      // So that pg_stat_activity tells this connection from the pool's (it is never reused).
      if (heard) await client.query(`SELECT set_config('application_name', left(ltrim(current_setting('application_name') || ' (change feed)'), 63), false)`);
    } catch (error) {
      lost = true;
      client.release(true);
      throw error;
    }
    if (this.#stopped || !heard) {
      lost = true;
      client.release(true);
      return heard;
    }
    this.#client = client;
    this.#since = Date.now();
    return true;
  }

  /** The listening connection is gone (not one that #listen() is still setting up, nor one stop() closed). */
  #lost(client: PgPoolClient): void {
    if (this.#stopped || this.#client !== client) return;
    this.#client = undefined;
    client.release(true);
    // A connection that drops right after it listens (a server-side idle timeout) must not make
    // the replica reconnect, and empty its caches, ten times a second.
    if (Date.now() - this.#since >= STEADY_MS) this.#delayMs = FIRST_RETRY_MS;
    this.#listener({ kind: 'all' });
    this.#retryLater();
  }

  #retryLater(): void {
    const delayMs = this.#delayMs;
    this.#delayMs = Math.min(delayMs * 2, MAX_RETRY_MS);
    this.#retry = setTimeout(() => {
      this.#listen().then(
        (heard) => {
          // Back: changes made while away are unknown. Not heard: LISTEN does not work there; the
          // caches' expiry is all there is, and retrying would not change that.
          if (!this.#stopped && heard) this.#listener({ kind: 'all' });
        },
        () => {
          if (!this.#stopped) this.#retryLater();
        },
      );
    }, delayMs);
    this.#retry.unref?.();
  }

  #undelivered(): StoreUnavailableError {
    return new StoreUnavailableError({
      store: this.#label,
      problem: 'a notification sent to its listening connection never came back, so replicas cannot tell each other of revocations (LISTEN does not work through a pooler in transaction mode, such as PgBouncer by default)',
      remedy: 'Give strava-auth serve a direct or session-mode connection to PostgreSQL; until then each replica sees the others\u2019 revocations within --cache-ms.',
    });
  }
}

/**
 * Changes the token service's replicas announce to each other through PostgreSQL's
 * LISTEN/NOTIFY, so a revocation on one replica reaches the others' caches at once rather than
 * when their entries expire. One channel for every schema; the payload names its schema.
 */
import type { ServiceChange } from '../server/service-store.ts';
import type { PgNotification, PgPool, PgPoolClient, PgQueryable } from './pg-driver.ts';

/** The NOTIFY channel of every strava-auth service. */
export const CHANGE_CHANNEL = 'strava_auth_changes';

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 10_000;

/** The payload announcing `change` for the tables of `schema`. */
export function changePayload(schema: string, change: ServiceChange): string {
  return JSON.stringify({ schema, ...change });
}

/** Sends `change` to every replica listening (delivered when the surrounding transaction commits). */
export async function announceChange(db: PgQueryable, schema: string, change: ServiceChange): Promise<void> {
  await db.query('SELECT pg_notify($1, $2)', [CHANGE_CHANNEL, changePayload(schema, change)]);
}

/** The change a notification announces for `schema`; undefined for another schema or a payload not ours. */
export function parseChange(message: PgNotification, schema: string): ServiceChange | undefined {
  if (message.channel !== CHANGE_CHANNEL || message.payload === undefined) return undefined;
  let parsed: { schema?: unknown; kind?: unknown; athleteId?: unknown };
  try {
    parsed = JSON.parse(message.payload) as typeof parsed;
  } catch {
    return { kind: 'all' }; // someone else's payload on our channel: safest to forget everything
  }
  if (parsed.schema !== schema) return undefined;
  if (parsed.kind === 'athlete' && Number.isSafeInteger(parsed.athleteId)) return { kind: 'athlete', athleteId: parsed.athleteId as number };
  if (parsed.kind === 'keys') return { kind: 'keys' };
  return { kind: 'all' };
}

/**
 * Holds one pooled connection LISTENing on {@link CHANGE_CHANNEL} and hands the changes for
 * `schema` to `listener`. When the connection is lost it says `{ kind: 'all' }` (what was missed
 * is unknown), connects again with a growing delay, and says `{ kind: 'all' }` once back.
 */
export class PostgresChangeFeed {
  readonly #pool: () => Promise<PgPool>;
  readonly #schema: string;
  readonly #listener: (change: ServiceChange) => void;
  #client: PgPoolClient | undefined;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #delayMs = FIRST_RETRY_MS;
  #stopped = false;

  constructor(pool: () => Promise<PgPool>, schema: string, listener: (change: ServiceChange) => void) {
    this.#pool = pool;
    this.#schema = schema;
    this.#listener = listener;
  }

  /**
   * Listens now. When the database cannot be reached it keeps trying in the background (saying
   * `{ kind: 'all' }` once it listens) and rejects, so the caller can say so.
   */
  async begin(): Promise<void> {
    try {
      await this.#listen();
    } catch (error) {
      if (!this.#stopped) this.#retryLater();
      throw error;
    }
  }

  /** Listens now; rejects when the database cannot be reached. */
  async #listen(): Promise<void> {
    const client = await (await this.#pool()).connect();
    let lost = false;
    // Once per connection, whichever of 'error' and 'end' comes first.
    const onLost = () => {
      if (lost) return;
      lost = true;
      this.#lost(client);
    };
    client.on('error', onLost);
    client.on('end', onLost);
    client.on('notification', (message) => {
      const change = parseChange(message, this.#schema);
      if (change) this.#listener(change);
    });
    try {
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
      if (lost) throw new Error('The connection was lost as it started to listen.');
    } catch (error) {
      lost = true;
      client.release(true);
      throw error;
    }
    if (this.#stopped) {
      lost = true;
      client.release(true);
      return;
    }
    this.#client = client;
    this.#delayMs = FIRST_RETRY_MS;
  }

  /** Stops listening and retrying; the connection is closed rather than returned to the pool. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#retry);
    const client = this.#client;
    this.#client = undefined;
    client?.release(true);
  }

  /** The listening connection is gone (not one that #listen() is still setting up, nor one stop() closed). */
  #lost(client: PgPoolClient): void {
    if (this.#stopped || this.#client !== client) return;
    this.#client = undefined;
    client.release(true);
    this.#listener({ kind: 'all' });
    this.#retryLater();
  }

  #retryLater(): void {
    this.#retry = setTimeout(() => {
      this.#listen().then(
        () => {
          if (!this.#stopped) this.#listener({ kind: 'all' }); // changes made while away are unknown
        },
        () => {
          this.#delayMs = Math.min(this.#delayMs * 2, MAX_RETRY_MS);
          if (!this.#stopped) this.#retryLater();
        },
      );
    }, this.#delayMs);
    this.#retry.unref?.();
  }
}

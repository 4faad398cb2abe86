/**
 * Replicas on one PostgreSQL database tell each other what they changed (LISTEN/NOTIFY), so what
 * one revokes the others stop answering from memory at once, without waiting for the cache time.
 * Real PostgreSQL, the emulator's frozen clock (never moved here: nothing expires by time).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import pg from 'pg';
import { after, describe, test, type TestContext } from 'node:test';
import type { Emulator } from '../src/emulator/index.ts';
import { announceChange, PostgresChangeFeed } from '../src/postgres/postgres-change-feed.ts';
import { PostgresServiceStore } from '../src/postgres/postgres-service-store.ts';
import { PostgresStore } from '../src/postgres/postgres-store.ts';
import { generateApiKey } from '../src/server/api-keys.ts';
import type { ServiceChange, ServiceStore } from '../src/server/service-store.ts';
import { startTestEmulator } from './helpers/emulator.ts';
import { pgbouncerSuite, startPgBouncer } from './helpers/pgbouncer.ts';
import { admin, closeAdmin, postgresSuite, TEST_DATABASE_URL, testSchema } from './helpers/postgres.ts';
import { connectAthlete, serveStores } from './helpers/serve.ts';

after(() => closeAdmin());

/** The changes a service store's watcher delivered, to wait for one. */
class Delivered {
  /** Resolves once the service's watch() has resolved: the replica listens. */
  listening: Promise<void> = new Promise(() => {});
  readonly #seen: ServiceChange[] = [];
  readonly #waiting: Array<{ match: (change: ServiceChange) => boolean; resolve: () => void }> = [];

  push(change: ServiceChange): void {
    this.#seen.push(change);
    for (const waiter of [...this.#waiting]) {
      if (waiter.match(change)) {
        this.#waiting.splice(this.#waiting.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }

  /** Resolves when a change matching `match` arrives after this call. */
  next(match: (change: ServiceChange) => boolean): Promise<void> {
    return new Promise((resolve) => this.#waiting.push({ match, resolve }));
  }
}

/** `store` with the changes its watch() hands the service also recorded in `delivered`. */
function recording(store: ServiceStore, delivered: Delivered): ServiceStore {
  return new Proxy(store, {
    get(target, property) {
      if (property === 'watch') {
        return (listener: (change: ServiceChange) => void) => (delivered.listening = target.watch!((change) => (listener(change), delivered.push(change))));
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** A replica on `schema`, its connections named `name` (to find them in pg_stat_activity). */
async function replica(t: TestContext, emu: Emulator, schema: string, name: string) {
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set('application_name', name);
  const store = new PostgresStore({ connectionString: url.href }, { schema });
  const serviceStore = PostgresServiceStore.fromConnectionString(url.href, { schema });
  const delivered = new Delivered();
  const served = await serveStores(t, emu, { store, serviceStore: recording(serviceStore, delivered) });
  t.after(async () => {
    await served.running.close(0);
    await store.close();
    await serviceStore.close();
  });
  return { ...served, serviceStore, delivered };
}

async function pair(t: TestContext) {
  const emu = await startTestEmulator(t);
  const schema = await testSchema(t);
  const tag = randomBytes(4).toString('hex');
  const a = await replica(t, emu, schema, `sa_a_${tag}`);
  const b = await replica(t, emu, schema, `sa_b_${tag}`);
  const { response } = await connectAthlete(a.url, emu, { athleteId: 41 });
  assert.equal(response.status, 200, await response.clone().text());
  await a.delivered.listening;
  await b.delivered.listening;
  return { emu, a, b, tag };
}

/** The backend of the replica's (named `name`) connection that LISTENs, other than `not`. */
async function listener(name: string, not = 0): Promise<number> {
  const { rows } = await admin().query(`SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND pid <> $2`, [`${name} (change feed)`, not]);
  assert.ok(rows.length >= 1, `a change feed connection of ${name}`);
  return Number(rows[0].pid);
}

describe('replicas on PostgreSQL tell each other what they changed', postgresSuite, () => {
  test('a deauthorization on one replica is a 410 on the other at once, with its cached token dropped', async (t) => {
    const { a, b } = await pair(t);
    assert.equal((await a.api('/v1/athletes/41/token')).status, 200); // now in a's cache
    const told = a.delivered.next((change) => change.kind === 'athlete' && change.athleteId === 41);
    await b.service.athletes.revoked(41, 'The athlete revoked access in Strava (deauthorization webhook).');
    await told;
    const answer = await a.api('/v1/athletes/41/token');
    assert.equal(answer.status, 410);
    assert.equal(((await answer.json()) as any).error.code, 'athlete_revoked');
  });

  test('a key revoked in the database (as serve keys revoke does) is refused by every replica at once', async (t) => {
    const { a, b } = await pair(t);
    const { key, record } = await generateApiKey('backend', 0);
    await b.serviceStore.addApiKey(record);
    const withKey = () => fetch(`${a.url}/v1/athletes/41/token`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal((await withKey()).status, 200); // a takes the key on trust now
    const told = a.delivered.next((change) => change.kind === 'keys');
    assert.equal(await b.serviceStore.revokeApiKey(record.id), true);
    await told;
    assert.equal((await withKey()).status, 401);
    assert.equal((await a.api('/v1/athletes/41/token')).status, 200, "the environment's key still works");
  });

  test('its listening connection killed: the replica drops what it cached, listens again, and is told again', async (t) => {
    const { a, b, tag } = await pair(t);
    assert.equal((await a.api('/v1/athletes/41/token')).status, 200);
    const pid = await listener(`sa_a_${tag}`);
    const dropped = a.delivered.next((change) => change.kind === 'all');
    await admin().query('SELECT pg_terminate_backend($1)', [pid]);
    await dropped;
    const back = a.delivered.next((change) => change.kind === 'all');
    await back;
    await listener(`sa_a_${tag}`, pid); // listening on another backend
    const told = a.delivered.next((change) => change.kind === 'athlete' && change.athleteId === 41);
    await b.service.athletes.revoked(41, 'deauthorized');
    await told;
    assert.equal((await a.api('/v1/athletes/41/token')).status, 410);
  });
});

describe('behind PgBouncer in transaction mode', { ...postgresSuite, ...pgbouncerSuite }, () => {
  test('LISTEN does not reach the connection: watch() says so, the service logs it and keeps its cache time', async (t) => {
    const url = await startPgBouncer(t);
    const schema = await testSchema(t);
    const serviceStore = PostgresServiceStore.fromConnectionString(url, { schema });
    t.after(() => serviceStore.close());
    const error = await serviceStore.watch(() => {}).catch((e: unknown) => e);
    assert.ok(error instanceof Error && error.name === 'StoreUnavailableError', String(error));
    assert.match(error.message, /did not arrive/);
    assert.match(error.message, /--cache-ms/);

    const emu = await startTestEmulator(t);
    const store = new PostgresStore({ connectionString: url }, { schema });
    const served = await serveStores(t, emu, { store, serviceStore });
    t.after(async () => {
      await served.running.close(0);
      await store.close();
    });
    // The service watches through the same store: its watch() failed as above, and it says so.
    await serviceStore.watch(() => {}).catch(() => {});
    const warned = served.logs.map((line) => JSON.parse(line)).find((line) => line.msg.startsWith('not hearing'));
    assert.match(String(warned?.reason), /did not arrive/);
    assert.equal((await fetch(`${served.url}/healthz`)).status, 200);
  });
});

/** A TCP relay to PostgreSQL whose open connections can be frozen: nothing more passes, nothing is closed (a NAT that forgot them). */
async function freezableRelay(t: TestContext): Promise<{ url: string; freeze: () => void }> {
  const target = new URL(TEST_DATABASE_URL);
  const pairs: Array<[Socket, Socket]> = [];
  const server = createServer((inbound) => {
    const outbound = connect(Number(target.port || 5432), target.hostname);
    inbound.pipe(outbound);
    outbound.pipe(inbound);
    const close = () => {
      inbound.destroy();
      outbound.destroy();
    };
    inbound.on('error', close).on('close', close);
    outbound.on('error', close).on('close', close);
    pairs.push([inbound, outbound]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const [a, b] of pairs) a.destroy(), b.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const url = new URL(TEST_DATABASE_URL);
  url.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: url.href,
    freeze: () => {
      for (const [a, b] of pairs) a.unpipe(b), b.unpipe(a), a.pause(), b.pause();
    },
  };
}

describe('PostgresChangeFeed', postgresSuite, () => {
  test('a listening connection that goes silent (never closed) is found out by its heartbeat: lost, then back on a new one', async (t) => {
    const schema = await testSchema(t);
    const relay = await freezableRelay(t);
    // The feed listens through the relay; probes and announcements go straight to the database.
    const listening = new pg.Pool({ connectionString: relay.url, max: 2 });
    const direct = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 2 });
    listening.on('error', () => {});
    t.after(async () => {
      await listening.end();
      await direct.end();
    });
    const pool = { connect: () => listening.connect(), query: (text: string, values?: unknown[]) => direct.query(text, values), end: async () => {} };
    const delivered = new Delivered();
    const feed = new PostgresChangeFeed(async () => pool as never, schema, 'test', (change) => delivered.push(change), { heartbeatMs: 50, probeTimeoutMs: 300 });
    t.after(() => feed.stop());
    await feed.begin();
    const told = delivered.next((change) => change.kind === 'athlete' && change.athleteId === 5);
    await announceChange(direct, schema, { kind: 'athlete', athleteId: 5 });
    await told;

    const lost = delivered.next((change) => change.kind === 'all' && change.reason === 'lost');
    const back = delivered.next((change) => change.kind === 'all' && change.reason === 'back');
    relay.freeze();
    await lost;
    await back;
    const toldAgain = delivered.next((change) => change.kind === 'athlete' && change.athleteId === 6);
    await announceChange(direct, schema, { kind: 'athlete', athleteId: 6 });
    await toldAgain;
  });
});

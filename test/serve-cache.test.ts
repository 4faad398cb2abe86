/**
 * What the token service keeps in memory (FreshCache): live API keys and athletes' tokens, for at
 * most `cacheMs` after a store read, never past what a caller asked of a token, never across a
 * change this replica made. Real HTTP, real SQLite, the emulator's clock.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ManualClock } from '../src/core/clock.ts';
import { ApiKeyVerifier, generateApiKey } from '../src/server/api-keys.ts';
import { FreshCache } from '../src/server/fresh-cache.ts';
import { MemoryServiceStore } from '../src/server/memory-service-store.ts';
import { SqliteServiceStore } from '../src/sqlite/sqlite-service-store.ts';
import { SqliteStore } from '../src/sqlite/sqlite-store.ts';
import type { LockedTokens, LockOptions, StoredTokens, TokenStore } from '../src/tokens/token-store.ts';
import { startTestEmulator } from './helpers/emulator.ts';
import { connectAthlete, serveStores, tempDatabase, TEST_API_KEY } from './helpers/serve.ts';

const HOUR = 3600;

describe('FreshCache', () => {
  test('a value is kept for ttlMs after it was set, then gone; delete forgets at once', () => {
    const clock = new ManualClock({ frozen: true });
    const cache = new FreshCache<string, number>({ ttlMs: 1000, clock });
    cache.set('a', 1);
    cache.set('b', 2);
    clock.advance(0.999);
    assert.equal(cache.get('a'), 1);
    cache.delete('b');
    assert.equal(cache.get('b'), undefined);
    clock.advance(0.001);
    assert.equal(cache.get('a'), undefined, 'exactly ttlMs later it is stale');
    assert.equal(cache.size, 0, 'a stale entry is dropped when found');
  });

  test('ttlMs 0 keeps nothing; past maxEntries the oldest set goes first', () => {
    const clock = new ManualClock({ frozen: true });
    const none = new FreshCache<string, number>({ ttlMs: 0, clock });
    none.set('a', 1);
    assert.equal(none.get('a'), undefined);
    const small = new FreshCache<string, number>({ ttlMs: 1000, clock, maxEntries: 2 });
    small.set('a', 1);
    small.set('b', 2);
    small.set('a', 3); // set again: now the newest
    small.set('c', 4);
    assert.deepEqual([small.get('a'), small.get('b'), small.get('c')], [3, undefined, 4]);
  });
});

/** A token store that counts reads and can hold the next one until released. */
class WatchedStore implements TokenStore {
  reads = 0;
  readonly inner: TokenStore;
  #held: { reached: () => void; release: Promise<void> } | undefined;
  constructor(inner: TokenStore) {
    this.inner = inner;
  }

  /** The next `get` waits for `release()`; resolves once it is waiting. */
  holdNextRead(): { reached: Promise<void>; release: () => void } {
    let release!: () => void;
    let reached!: () => void;
    const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
    this.#held = { reached, release: new Promise<void>((resolve) => (release = resolve)) };
    return { reached: reachedPromise, release };
  }

  async get(key: string): Promise<StoredTokens | undefined> {
    this.reads++;
    const held = this.#held;
    this.#held = undefined;
    const value = await this.inner.get(key);
    if (held) {
      held.reached();
      await held.release;
    }
    return value;
  }
  set(key: string, value: StoredTokens): Promise<void> {
    return this.inner.set(key, value);
  }
  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }
  keys(): Promise<string[]> {
    return this.inner.keys();
  }
  withLock<T>(key: string, fn: (locked: LockedTokens) => Promise<T>, options?: LockOptions): Promise<T> {
    return this.inner.withLock(key, fn, options);
  }
}

async function cachedService(t: import('node:test').TestContext, cacheMs?: number) {
  const emu = await startTestEmulator(t);
  const dbPath = await tempDatabase(t);
  const sqlite = new SqliteStore({ path: dbPath });
  const serviceStore = new SqliteServiceStore({ path: dbPath });
  await sqlite.open();
  await serviceStore.open();
  const store = new WatchedStore(sqlite);
  const svc = await serveStores(t, emu, { store, serviceStore }, cacheMs === undefined ? {} : { cacheMs });
  t.after(async () => {
    await svc.running.close(0);
    sqlite.close();
    await serviceStore.close();
  });
  const { response } = await connectAthlete(svc.url, emu, { athleteId: 601 });
  assert.equal(response.status, 200, await response.clone().text());
  store.reads = 0;
  return { emu, svc, store };
}

describe('the token service answers from memory', () => {
  test('a token is read from the store once a second, however many ask; cacheMs 0 reads it every time', async (t) => {
    const { emu, svc, store } = await cachedService(t);
    const answers = [];
    for (let i = 0; i < 20; i++) answers.push(await (await svc.api('/v1/athletes/601/token')).json());
    assert.equal(store.reads, 1);
    assert.equal(new Set(answers.map((a: any) => a.access_token)).size, 1);
    emu.clock.advance(1);
    assert.equal((await svc.api('/v1/athletes/601/token')).status, 200);
    assert.equal(store.reads, 2);

    const strict = await cachedService(t, 0);
    for (let i = 0; i < 5; i++) assert.equal((await strict.svc.api('/v1/athletes/601/token')).status, 200);
    assert.equal(strict.store.reads, 5);
  });

  test('requests that miss together read the store once', async (t) => {
    const { svc, store } = await cachedService(t);
    const held = store.holdNextRead();
    const first = svc.api('/v1/athletes/601/token');
    await held.reached;
    // Nineteen more while that read waits (asked in this process, so they are surely under way).
    const more = Array.from({ length: 19 }, () => svc.service.athletes.token(601, 0));
    held.release();
    assert.equal((await first).status, 200);
    assert.equal(new Set((await Promise.all(more)).map((answer) => answer.athlete_id)).size, 1);
    assert.equal(store.reads, 1);
  });

  test('a cached token is never handed out short of what was asked: min_valid past it refreshes', async (t) => {
    const { emu, svc } = await cachedService(t);
    emu.clock.advance(5.5 * HOUR); // 30 minutes left: past the 5-minute margin
    const cached = await (await svc.api('/v1/athletes/601/token')).json();
    assert.equal(emu.stats().grants.refresh_token, 0);
    const longer = await (await svc.api('/v1/athletes/601/token?min_valid=3000')).json();
    assert.notEqual(longer.access_token, cached.access_token);
    assert.ok(longer.expires_at - Math.floor(emu.clock.now() / 1000) > 3000);
    assert.equal(emu.stats().grants.refresh_token, 1);
    // The refreshed token is what the cache holds now.
    assert.equal((await (await svc.api('/v1/athletes/601/token')).json()).access_token, longer.access_token);
  });

  test('a read under way while this replica revokes the athlete is not cached: the next request is 410', async (t) => {
    const { emu, svc, store } = await cachedService(t);
    const held = store.holdNextRead();
    const early = svc.api('/v1/athletes/601/token');
    await held.reached; // it has read the tokens, and waits
    await svc.service.athletes.revoked(601, 'The athlete revoked access in Strava (deauthorization webhook).');
    // Asked after the revocation, the token is not taken from the read still under way.
    assert.equal((await svc.api('/v1/athletes/601/token')).status, 410);
    held.release();
    assert.equal((await early).status, 200, 'it read before the revocation');
    const after = await svc.api('/v1/athletes/601/token');
    assert.equal(after.status, 410);
    assert.equal(((await after.json()) as any).error.code, 'athlete_revoked');
    assert.equal(emu.stats().grants.refresh_token, 0);
  });

  test('a store outage: what was read less than a second ago is still answered, then 503 with Retry-After', async (t) => {
    const { emu, svc, store } = await cachedService(t);
    assert.equal((await svc.api('/v1/athletes/601/token')).status, 200);
    (store.inner as SqliteStore).close();
    assert.equal((await svc.api('/v1/athletes/601/token')).status, 200);
    emu.clock.advance(1);
    const response = await svc.api('/v1/athletes/601/token');
    assert.equal(response.status, 503);
    assert.equal(response.headers.get('retry-after'), '5');
  });
});

describe('the token API is an app of its own', () => {
  test('the same headers whether the answer came from memory or the store; nosniff on every route', async (t) => {
    const { svc } = await cachedService(t);
    const first = await svc.api('/v1/athletes/601/token');
    const second = await svc.api('/v1/athletes/601/token');
    const headers = (response: Response) => Object.fromEntries([...response.headers].filter(([name]) => name !== 'date'));
    assert.deepEqual(headers(second), headers(first));
    assert.equal(first.headers.get('content-type'), 'application/json');
    assert.equal(first.headers.get('cache-control'), 'no-store');
    assert.deepEqual(await second.json(), await first.json());
    const answers = [
      first,
      await fetch(`${svc.url}/v1/athletes/601/token`), // 401
      await svc.api('/v1/athletes/9/token'), // 404, an unknown athlete
      await svc.api('/v1/nothing'), // 404, no route
      await svc.api('/v1/athletes'),
      await fetch(`${svc.url}/healthz`),
      await fetch(`${svc.url}/metrics`),
      await fetch(`${svc.url}/nothing`),
      await fetch(`${svc.url}/connect?scope=read`, { redirect: 'manual' }),
    ];
    for (const response of answers) assert.equal(response.headers.get('x-content-type-options'), 'nosniff', `${response.url} ${response.status}`);
  });

  test('/v1 and under need a key, an unknown path too; a path spelled another way is no API route', async (t) => {
    const { svc } = await cachedService(t);
    for (const path of ['/v1', '/v1/', '/v1?x=1', '/v1/nothing', '/v1/athletes/601/token/more']) {
      const without = await fetch(`${svc.url}${path}`);
      assert.equal(without.status, 401, path);
      assert.equal(without.headers.get('www-authenticate'), 'Bearer');
      const withKey = await svc.api(path);
      assert.equal(withKey.status, 404, path);
      assert.equal(((await withKey.json()) as any).error.code, 'not_found');
    }
    for (const path of ['/v1x', '/%76%31/athletes/601/token', '/V1/athletes/601/token']) {
      const response = await fetch(`${svc.url}${path}`, { headers: { authorization: `Bearer ${TEST_API_KEY}` } });
      assert.equal(response.status, 404, path);
      assert.ok(!(await response.text()).includes('access_token'), path);
    }
  });

  test('requests to the token API are counted and logged like the others', async (t) => {
    const { svc } = await cachedService(t);
    for (let i = 0; i < 3; i++) await svc.api('/v1/athletes/601/token');
    await fetch(`${svc.url}/v1/athletes/601/token`);
    const text = await (await fetch(`${svc.url}/metrics`)).text();
    assert.match(text, /strava_auth_http_requests_total\{method="GET",route="\/v1\/athletes\/:id\{\[0-9\]\+\}\/token",status="200"\} 3/);
    assert.match(text, /strava_auth_http_requests_total\{method="GET",route="\/v1\/athletes\/:id\{\[0-9\]\+\}\/token",status="401"\} 1/);
    const lines = svc.logs.map((line) => JSON.parse(line)).filter((line) => line.msg === 'request' && line.path === '/v1/athletes/601/token');
    assert.deepEqual(
      lines.map((line) => line.status),
      [200, 200, 200, 401],
    );
    assert.ok(!svc.logs.join('').includes(TEST_API_KEY));
  });
});

describe('ApiKeyVerifier', () => {
  test('a lookup under way when a revocation is announced is neither joined nor cached', async () => {
    let release!: () => void;
    let reached!: () => void;
    const lookupReached = new Promise<void>((resolve) => (reached = resolve));
    let hold = true;
    class HeldStore extends MemoryServiceStore {
      override async hasApiKeyHash(hash: string): Promise<boolean> {
        const answer = await super.hasApiKeyHash(hash);
        if (hold) {
          hold = false;
          reached();
          await new Promise<void>((resolve) => (release = resolve));
        }
        return answer;
      }
    }
    const store = new HeldStore();
    const { key, record } = await generateApiKey('backend', 0);
    await store.addApiKey(record);
    const keys = new ApiKeyVerifier(store, [], { cacheMs: 1000, clock: new ManualClock({ frozen: true }) });
    const early = keys.verify(key);
    await lookupReached; // it found the key live, and waits
    await store.revokeApiKey(record.id);
    keys.forgetLive(); // the revocation, announced
    assert.equal(await keys.verify(key), false, 'a new check asks the store again');
    release();
    assert.equal(await early, true, 'it looked before the revocation');
    assert.equal(keys.isKnownLive(key), false, 'but what it found is not kept');
    assert.equal(await keys.verify(key), false);
  });
});

/**
 * TokenManager against the emulator over HTTP, one case per rule of the issue. Time moves only
 * through the emulator's frozen clock (shared with the manager); retry waits are injected.
 */
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { InvalidRefreshTokenError } from '../src/core/errors/invalid-refresh-token-error.ts';
import { NetworkError } from '../src/core/errors/network-error.ts';
import { RequestTimeoutError } from '../src/core/errors/request-timeout-error.ts';
import { RateLimitError } from '../src/core/errors/rate-limit-error.ts';
import type { FetchLike } from '../src/core/http.ts';
import { StravaServerError } from '../src/core/errors/server-error.ts';
import { refreshTokens } from '../src/core/token-endpoint.ts';
import { TokenSet } from '../src/core/token-set.ts';
import type { Emulator } from '../src/emulator/index.ts';
import { InvalidTokenKeyError } from '../src/tokens/errors/invalid-token-key-error.ts';
import { NotLoggedInError } from '../src/tokens/errors/not-logged-in-error.ts';
import { RefreshHookError } from '../src/tokens/errors/refresh-hook-error.ts';
import { TokensNotSavedError } from '../src/tokens/errors/tokens-not-saved-error.ts';
import { MemoryStore } from '../src/tokens/memory-store.ts';
import { TokenManager, type TokenManagerOptions } from '../src/tokens/token-manager.ts';
import type { LockedTokens, StoredTokens, TokenStore } from '../src/tokens/token-store.ts';
import { startFaultProxy, type FaultProxy } from './fixtures/fault-proxy.ts';
import { startHostileServer } from './fixtures/hostile-server.ts';
import { FAST_RETRY, HOUR, accessTokenWorks, mintRecord, oauthFor, recordingSleep, refreshCounts } from './fixtures/token-env.ts';
import { InterceptedStore } from './fixtures/intercepted-store.ts';
import { startTestEmulator } from './helpers/emulator.ts';

const KEY = 'default';

interface Setup {
  emu: Emulator;
  store: MemoryStore;
  record: StoredTokens;
  manager: TokenManager;
  waits: number[];
}

/** An emulator, a store holding freshly minted tokens, and a manager over both. */
async function setup(t: TestContext, options: Partial<TokenManagerOptions> & { url?: string; scopes?: string[] } = {}): Promise<Setup> {
  const emu = await startTestEmulator(t);
  const store = new MemoryStore();
  const record = mintRecord(emu, options.scopes);
  await store.set(KEY, record);
  const { sleep, waits } = recordingSleep();
  const { url, scopes: _scopes, ...rest } = options;
  const manager = new TokenManager({ store, key: KEY, oauth: oauthFor(emu, url), retry: FAST_RETRY, sleep, ...rest });
  return { emu, store, record, manager, waits };
}

async function proxied(t: TestContext, emu: Emulator): Promise<FaultProxy> {
  const proxy = await startFaultProxy(emu.url);
  t.after(() => proxy.close());
  return proxy;
}

/** Moves the emulator's (and manager's) clock to `seconds` before the access token expires. */
function moveTo(emu: Emulator, record: StoredTokens, secondsBeforeExpiry: number): void {
  emu.clock.set((record.tokens.expiresAt - secondsBeforeExpiry) * 1000);
}

/** A store whose locked writes wait for `open()`, to watch what callers see meanwhile. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * A store whose lock keeps other processes out but lets every caller of this process in at once,
 * as a PostgreSQL session advisory lock on one shared connection does (it is reentrant within the
 * session). Only the manager's own single flight then keeps concurrent callers to one refresh.
 */
class ProcessWideLockStore extends InterceptedStore {
  constructor() {
    super(async () => {});
  }
  override withLock<T>(key: string, fn: (locked: LockedTokens) => Promise<T>): Promise<T> {
    return fn({ key, get: () => this.inner.get(key), set: (value) => this.inner.set(key, value) });
  }
}

/** Locked writes wait for `open()`, to watch what callers see meanwhile. */
function gatedStore() {
  const gate = deferred();
  const writeStarted = deferred();
  const store = new InterceptedStore(async () => {
    writeStarted.resolve();
    await gate.promise;
  });
  return { store, writeStarted, open: () => gate.resolve() };
}

/** Locked writes fail while `failures.left` is above zero (a full disk, a database down). */
function failingStore() {
  const failures = { left: 0 };
  const store = new InterceptedStore(async () => {
    if (failures.left > 0) {
      failures.left--;
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    }
  });
  return { store, failures };
}

describe('TokenManager: refreshing only when needed', () => {
  test('a token with more than the margin left is returned as stored, without calling Strava', async (t) => {
    const { emu, record, manager } = await setup(t);
    assert.equal(await manager.getAccessToken(), record.tokens.accessToken);
    moveTo(emu, record, 301);
    assert.equal(await manager.getAccessToken(), record.tokens.accessToken);
    assert.equal(emu.stats().calls['POST /oauth/token'] ?? 0, 0);
  });

  test('six hours later the next call refreshes once; the new token is valid and stored', async (t) => {
    const { emu, store, record, manager } = await setup(t);
    emu.clock.advance(6 * HOUR);
    const token = await manager.getAccessToken();
    assert.notEqual(token, record.tokens.accessToken);
    assert.equal(await accessTokenWorks(emu, token), true);
    assert.equal((await store.get(KEY))?.tokens.accessToken, token);
    assert.equal(await manager.getAccessToken(), token, 'the next call uses the stored token');
    assert.deepEqual(refreshCounts(emu), { refreshes: 1, rejected: 0 });
  });

  test('the margin is configurable: inside it a call refreshes, outside it none does', async (t) => {
    const { emu, record, manager } = await setup(t, { marginSeconds: 600 });
    moveTo(emu, record, 601);
    await manager.getAccessToken();
    assert.equal(refreshCounts(emu).refreshes, 0);
    moveTo(emu, record, 600);
    const token = await manager.getAccessToken();
    assert.equal(refreshCounts(emu).refreshes, 1);
    assert.ok((await manager.getTokenSet()).expiresIn(emu.clock) > 600);
    assert.notEqual(token, record.tokens.accessToken);
  });

  test('a margin of an hour or more is refused (Strava would hand back the same token)', async (t) => {
    const emu = await startTestEmulator(t);
    assert.throws(() => new TokenManager({ store: new MemoryStore(), key: KEY, oauth: oauthFor(emu), marginSeconds: 3600 }), RangeError);
  });

  test('force refreshes a token that is still fresh', async (t) => {
    const { emu, manager } = await setup(t);
    await manager.refresh({ force: true });
    assert.equal(refreshCounts(emu).refreshes, 1);
  });

  test('scopes granted at login travel with every refreshed set', async (t) => {
    const { emu, manager } = await setup(t, { scopes: ['activity:read_all', 'profile:read_all'] });
    emu.rotateRefreshTokens = 'always';
    emu.clock.advance(6 * HOUR);
    const tokens = await manager.getTokenSet();
    assert.equal(refreshCounts(emu).refreshes, 1);
    assert.deepEqual(tokens.scopes, ['read', 'profile:read_all', 'activity:read_all']);
    assert.equal(tokens.hasScopes('activity:read'), true);
    assert.equal(tokens.athlete?.id, 1, 'the athlete travels too');
  });
});

describe('TokenManager: single flight and persistence', () => {
  test('50 concurrent callers on an expired token share one refresh and get the same valid token', async (t) => {
    const { emu, manager } = await setup(t);
    emu.rotateRefreshTokens = 'always';
    emu.clock.advance(6 * HOUR);
    const tokens = await Promise.all(Array.from({ length: 50 }, () => manager.getAccessToken()));
    assert.equal(new Set(tokens).size, 1);
    assert.deepEqual(refreshCounts(emu), { refreshes: 1, rejected: 0 });
    assert.equal(await accessTokenWorks(emu, tokens[0]!), true);
  });

  test('concurrent callers share one refresh even when the store lets them all into its lock at once', async (t) => {
    const emu = await startTestEmulator(t);
    emu.rotateRefreshTokens = 'always';
    const store = new ProcessWideLockStore();
    await store.set(KEY, mintRecord(emu));
    const manager = new TokenManager({ store, key: KEY, oauth: oauthFor(emu), retry: FAST_RETRY, sleep: recordingSleep().sleep });
    emu.clock.advance(6 * HOUR);
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => manager.getAccessToken()));
    assert.deepEqual(results.map((r) => r.status), Array(10).fill('fulfilled'));
    const tokens = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    assert.equal(new Set(tokens).size, 1);
    assert.deepEqual(refreshCounts(emu), { refreshes: 1, rejected: 0 });
    assert.equal((await store.get(KEY))?.tokens.accessToken, tokens[0]);
  });

  test('two managers on one store: the one that waited for the lock uses the stored result', async (t) => {
    const { emu, store, manager } = await setup(t);
    emu.rotateRefreshTokens = 'always';
    const other = new TokenManager({ store, key: KEY, oauth: oauthFor(emu) });
    emu.clock.advance(6 * HOUR);
    const tokens = await Promise.all([...Array.from({ length: 10 }, () => manager.getAccessToken()), ...Array.from({ length: 10 }, () => other.getAccessToken())]);
    assert.equal(new Set(tokens).size, 1);
    assert.deepEqual(refreshCounts(emu), { refreshes: 1, rejected: 0 });
  });

  test('two forced refreshes at once: the second uses the first one\'s result', async (t) => {
    const { emu, store, manager } = await setup(t);
    emu.rotateRefreshTokens = 'always';
    const other = new TokenManager({ store, key: KEY, oauth: oauthFor(emu) });
    const [a, b] = await Promise.all([manager.refresh({ force: true }), other.refresh({ force: true })]);
    assert.equal(a.accessToken, b.accessToken);
    assert.deepEqual(refreshCounts(emu), { refreshes: 1, rejected: 0 });
  });

  test('the new token set is persisted before any caller receives it', async (t) => {
    const emu = await startTestEmulator(t);
    const { store, writeStarted, open } = gatedStore();
    const record = mintRecord(emu);
    await store.set(KEY, record);
    const manager = new TokenManager({ store, key: KEY, oauth: oauthFor(emu) });
    emu.clock.advance(6 * HOUR);
    let received = false;
    const call = manager.getAccessToken().then((token) => {
      received = true;
      return token;
    });
    await writeStarted.promise;
    assert.equal(refreshCounts(emu).refreshes, 1, 'Strava answered');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(received, false, 'no caller has the token while the write is pending');
    assert.equal((await store.get(KEY))?.tokens.accessToken, record.tokens.accessToken);
    open();
    const token = await call;
    assert.equal((await store.get(KEY))?.tokens.accessToken, token);
  });

  test('the rotated tokens are saved in the same turn of the event loop as Strava\'s answer', async (t) => {
    // Strava has just killed the old refresh token: any wait before the save (a timer, I/O, an
    // immediate) widens the window in which a crash loses the new one. The answer's arrival
    // schedules an immediate; the save must come before it runs. No clock is read.
    const emu = await startTestEmulator(t);
    emu.rotateRefreshTokens = 'always';
    const answer = { read: false, loopMovedOn: false };
    const fetch: FetchLike = async (input, init) => {
      const response = await globalThis.fetch(input, init);
      const text = await response.text();
      answer.read = true;
      setImmediate(() => (answer.loopMovedOn = true));
      return new Response(text, { status: response.status, headers: response.headers });
    };
    const writes: Array<typeof answer> = [];
    const store = new InterceptedStore(async () => void writes.push({ ...answer }));
    const record = mintRecord(emu);
    await store.set(KEY, record);
    const manager = new TokenManager({ store, key: KEY, oauth: { ...oauthFor(emu), fetch } });
    emu.clock.advance(6 * HOUR);
    const token = await manager.getAccessToken();
    assert.deepEqual(writes, [{ read: true, loopMovedOn: false }]);
    assert.equal((await store.get(KEY))?.tokens.accessToken, token);
  });

  test('onRefresh runs once, after the store holds the new tokens, with the previous set', async (t) => {
    const calls: Array<{ token: string; stored: string | undefined; previous: string }> = [];
    const { emu, store, record, manager } = await setup(t, {
      onRefresh: async (tokens, context) => {
        calls.push({ token: tokens.accessToken, stored: (await store.get(context.key))?.tokens.accessToken, previous: context.previous.accessToken });
      },
    });
    emu.clock.advance(6 * HOUR);
    const tokens = await Promise.all([manager.getAccessToken(), manager.getAccessToken()]);
    assert.deepEqual(calls, [{ token: tokens[0], stored: tokens[0], previous: record.tokens.accessToken }]);
  });

  test('a throwing onRefresh surfaces as RefreshHookError; the tokens are stored anyway', async (t) => {
    const { emu, store, manager } = await setup(t, {
      onRefresh: () => {
        throw new Error('database is down');
      },
    });
    emu.clock.advance(6 * HOUR);
    const error = await manager.getAccessToken().then(
      () => assert.fail('expected RefreshHookError'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof RefreshHookError);
    assert.equal(error.code, 'on_refresh_failed');
    assert.match(error.message, /database is down/);
    const stored = await store.get(KEY);
    assert.equal(await manager.getAccessToken(), stored?.tokens.accessToken);
    assert.equal(refreshCounts(emu).refreshes, 1, 'no second refresh');
    assert.equal(await accessTokenWorks(emu, stored!.tokens.accessToken), true);
  });
});

describe('TokenManager: a store that cannot save', () => {
  async function failingSetup(t: TestContext) {
    const emu = await startTestEmulator(t);
    emu.rotateRefreshTokens = 'always';
    const { store, failures } = failingStore();
    const record = mintRecord(emu);
    await store.set(KEY, record);
    const { sleep, waits } = recordingSleep();
    const manager = new TokenManager({ store, key: KEY, oauth: oauthFor(emu), retry: FAST_RETRY, sleep });
    emu.clock.advance(6 * HOUR);
    return { emu, store, failures, record, manager, waits };
  }

  test('a failed write is retried before any caller gets the token', async (t) => {
    const { emu, store, failures, manager, waits } = await failingSetup(t);
    failures.left = 2;
    const token = await manager.getAccessToken();
    assert.equal((await store.get(KEY))?.tokens.accessToken, token);
    assert.equal(waits.length, 2);
    assert.deepEqual(refreshCounts(emu), { refreshes: 1, rejected: 0 });
  });

  test('when every write fails: TokensNotSavedError, no token handed out, and the next call saves the kept set without calling Strava', async (t) => {
    const { emu, store, failures, record, manager } = await failingSetup(t);
    failures.left = 4;
    const error = await manager.getAccessToken().catch((e: unknown) => e);
    assert.ok(error instanceof TokensNotSavedError);
    assert.equal(error.code, 'tokens_not_saved');
    assert.match(error.message, /ENOSPC/);
    assert.equal((await store.get(KEY))?.tokens.refreshToken, record.tokens.refreshToken, 'the old set is still stored (and dead at Strava)');
    const token = await manager.getAccessToken();
    const stored = await store.get(KEY);
    assert.equal(stored?.tokens.accessToken, token);
    assert.notEqual(stored?.tokens.refreshToken, record.tokens.refreshToken);
    assert.equal(await accessTokenWorks(emu, token), true);
    assert.deepEqual(refreshCounts(emu), { refreshes: 1, rejected: 0 });
  });
});

describe('TokenManager: a refresh token Strava rejects', () => {
  async function rejectedSetup(t: TestContext) {
    const s = await setup(t);
    // Another client refreshes behind the manager's back: the stored refresh token dies.
    s.emu.clock.advance(6 * HOUR);
    await refreshTokens(oauthFor(s.emu), TokenSet.fromData(s.record.tokens));
    return s;
  }

  test('becomes InvalidRefreshTokenError saying to log in again; the tokens are kept, marked invalid', async (t) => {
    const { emu, store, record, manager } = await rejectedSetup(t);
    const error = await manager.getAccessToken().catch((e: unknown) => e);
    assert.ok(error instanceof InvalidRefreshTokenError);
    assert.equal(error.code, 'invalid_refresh_token');
    assert.equal(error.remedy, 'Ask the athlete to authorize the app again: only a new authorization brings a new refresh token.', 'a library remedy names no CLI command');
    const stored = await store.get(KEY);
    assert.deepEqual(stored?.tokens, record.tokens, 'tokens kept, not deleted');
    assert.equal(stored?.invalid?.code, 'invalid_refresh_token');
    assert.equal(emu.stats().rejectedRefreshTokens, 1);
  });

  test('later calls throw the same error without calling Strava, until new tokens are stored', async (t) => {
    const { emu, manager } = await rejectedSetup(t);
    await assert.rejects(manager.getAccessToken(), InvalidRefreshTokenError);
    const before = emu.stats().calls['POST /oauth/token'];
    await assert.rejects(manager.getAccessToken(), InvalidRefreshTokenError);
    await assert.rejects(manager.refresh({ force: true }), InvalidRefreshTokenError);
    assert.equal(emu.stats().calls['POST /oauth/token'], before);
    const fresh = mintRecord(emu);
    assert.equal(await manager.importTokens(fresh.tokens), 'imported', 'new tokens replace a dead record');
    assert.equal(await manager.getAccessToken(), fresh.tokens.accessToken);
  });

  test('importing the same dead tokens again does not clear the mark', async (t) => {
    const { record, manager } = await rejectedSetup(t);
    await assert.rejects(manager.getAccessToken(), InvalidRefreshTokenError);
    assert.equal(await manager.importTokens(record.tokens), 'kept');
    await assert.rejects(manager.getAccessToken(), InvalidRefreshTokenError);
  });
});

describe('TokenManager: network failures, 5xx and 429', () => {
  test('a connection that fails before reaching Strava is retried with backoff', async (t) => {
    const emu = await startTestEmulator(t);
    const proxy = await proxied(t, emu);
    const { store, manager, waits } = await setupWith(t, emu, proxy.url);
    proxy.faults.push({ kind: 'drop-before' }, { kind: 'drop-before' });
    emu.clock.advance(6 * HOUR);
    const token = await manager.getAccessToken();
    assert.equal(proxy.tokenRequests, 3);
    assert.equal(waits.length, 2);
    assert.deepEqual(refreshCounts(emu), { refreshes: 1, rejected: 0 });
    assert.equal((await store.get(KEY))?.tokens.accessToken, token);
  });

  test('a 503 is retried; when every attempt fails the error surfaces and nothing is marked', async (t) => {
    const emu = await startTestEmulator(t);
    const proxy = await proxied(t, emu);
    const { store, record, manager } = await setupWith(t, emu, proxy.url);
    const unavailable = { kind: 'status' as const, status: 503, body: { message: 'Service Unavailable', errors: [] } };
    proxy.faults.push(unavailable);
    emu.clock.advance(6 * HOUR);
    await manager.getAccessToken();
    assert.equal(proxy.tokenRequests, 2);
    emu.clock.advance(6 * HOUR);
    proxy.faults.push(unavailable, unavailable, unavailable, unavailable);
    await assert.rejects(manager.getAccessToken(), StravaServerError);
    const stored = await store.get(KEY);
    assert.equal(stored?.invalid, undefined);
    assert.notEqual(stored?.tokens.refreshToken, record.tokens.refreshToken);
    assert.ok(await manager.getAccessToken(), 'works once Strava is back');
  });

  test('an answer lost after Strava rotated: the retry is refused, reported with the lost attempt as cause', async (t) => {
    const emu = await startTestEmulator(t);
    const proxy = await proxied(t, emu);
    const { store, manager } = await setupWith(t, emu, proxy.url);
    proxy.faults.push({ kind: 'drop-after' });
    emu.clock.advance(6 * HOUR);
    const error = await manager.getAccessToken().catch((e: unknown) => e);
    assert.ok(error instanceof InvalidRefreshTokenError);
    assert.ok(error.cause instanceof NetworkError);
    assert.match((await store.get(KEY))?.invalid?.reason ?? '', /answer was lost/);
    assert.deepEqual(refreshCounts(emu), { refreshes: 1, rejected: 1 });
  });

  test('a 429 surfaces as RateLimitError with the reset time, without retrying or marking', async (t) => {
    const emu = await startTestEmulator(t);
    emu.clock.set(Date.UTC(2026, 0, 5, 10, 7, 0));
    const proxy = await proxied(t, emu);
    const { store, manager } = await setupWith(t, emu, proxy.url);
    proxy.faults.push({
      kind: 'status',
      status: 429,
      body: { message: 'Rate Limit Exceeded', errors: [{ resource: 'Application', field: 'rate limit', code: 'exceeded' }] },
      headers: { 'X-RateLimit-Limit': '200,2000', 'X-RateLimit-Usage': '201,900' },
    });
    emu.clock.advance(6 * HOUR);
    const error = await manager.getAccessToken().catch((e: unknown) => e);
    assert.ok(error instanceof RateLimitError);
    assert.equal(error.resetsAt.toISOString(), '2026-01-05T16:15:00.000Z');
    assert.equal(proxy.tokenRequests, 1);
    assert.equal((await store.get(KEY))?.invalid, undefined);
  });

  test('requestTimeoutMs bounds each attempt against a server that never answers: a RequestTimeoutError, not a hang', async (t) => {
    const silent = await startHostileServer({ mode: 'silent' });
    t.after(() => silent.close());
    const emu = await startTestEmulator(t);
    const { manager, waits } = await setupWith(t, emu, silent.url, { requestTimeoutMs: 100 });
    emu.clock.advance(6 * HOUR);
    // The bound only turns a regression into a failure: four attempts of 100 ms end far sooner,
    // while one attempt that ignored the option would wait for the default (30 s) first.
    const error = await withinMs(5_000, manager.getAccessToken().then(() => assert.fail('expected a RequestTimeoutError'), (e: unknown) => e));
    assert.ok(error instanceof RequestTimeoutError, String(error));
    assert.ok(error instanceof NetworkError, 'a timeout is a network error (exit 6, retried)');
    assert.match(error.message, new RegExp(`^POST /oauth/token at ${silent.url} got no complete answer within 100 ms\\.`));
    assert.equal(waits.length, FAST_RETRY.retries, 'every attempt timed out and was retried, each with its own bound');
  });

  test('a request that hangs times out and is retried', async (t) => {
    const emu = await startTestEmulator(t);
    const proxy = await proxied(t, emu);
    // Long enough for the honest retry to finish on a loaded machine (the test measures no time:
    // the hung attempt simply costs this bound once).
    const { manager } = await setupWith(t, emu, proxy.url, { requestTimeoutMs: 1500 });
    proxy.faults.push({ kind: 'hang' });
    emu.clock.advance(6 * HOUR);
    await manager.getAccessToken();
    assert.equal(proxy.tokenRequests, 2);
    assert.equal(refreshCounts(emu).refreshes, 1);
  });
});

/** `promise`, or a rejection once `ms` have passed (a bound, so a regression fails instead of hanging). */
async function withinMs<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, bound]);
  } finally {
    clearTimeout(timer);
  }
}

async function setupWith(_t: TestContext, emu: Emulator, url: string, options: Partial<TokenManagerOptions> = {}) {
  const store = new MemoryStore();
  const record = mintRecord(emu);
  await store.set(KEY, record);
  const { sleep, waits } = recordingSleep();
  const manager = new TokenManager({ store, key: KEY, oauth: oauthFor(emu, url), retry: FAST_RETRY, sleep, ...options });
  return { store, record, manager, waits };
}

describe('TokenManager: tokens obtained elsewhere', () => {
  test('fromTokens takes Strava\'s JSON (stravalib / strava-v3 style) in one line', async (t) => {
    const emu = await startTestEmulator(t);
    const response = emu.issueTokens({ scopes: ['activity:read'] });
    const store = new MemoryStore();
    const manager = await TokenManager.fromTokens({
      store,
      oauth: oauthFor(emu),
      tokens: { access_token: response.access_token, refresh_token: response.refresh_token, expires_at: response.expires_at, scope: 'read,activity:read' },
    });
    assert.equal(await manager.getAccessToken(), response.access_token);
    emu.clock.advance(6 * HOUR);
    const tokens = await manager.getTokenSet();
    assert.equal(await accessTokenWorks(emu, tokens.accessToken), true);
    assert.deepEqual(tokens.scopes, ['read', 'activity:read']);
    assert.deepEqual(await store.keys(), ['default']);
  });

  test('fromTokens with only an onRefresh hook: the hook receives every rotated set', async (t) => {
    const emu = await startTestEmulator(t);
    emu.rotateRefreshTokens = 'always';
    const record = mintRecord(emu);
    const saved: string[] = [];
    const manager = await TokenManager.fromTokens({ oauth: oauthFor(emu), tokens: record.tokens, onRefresh: (tokens) => void saved.push(tokens.refreshToken) });
    emu.clock.advance(6 * HOUR);
    const tokens = await manager.getTokenSet();
    assert.deepEqual(saved, [tokens.refreshToken]);
  });

  test('fromTokens without a store or a hook is refused: a rotated token would be lost', async (t) => {
    const emu = await startTestEmulator(t);
    const record = mintRecord(emu);
    await assert.rejects(TokenManager.fromTokens({ oauth: oauthFor(emu), tokens: record.tokens }), /needs a store or an onRefresh hook/);
  });

  test('a seed imported at every start never replaces the newer tokens a refresh stored', async (t) => {
    const { emu, store, record, manager } = await setup(t);
    emu.rotateRefreshTokens = 'always';
    emu.clock.advance(6 * HOUR);
    const rotated = await manager.getTokenSet();
    const restarted = await TokenManager.fromTokens({ store, oauth: oauthFor(emu), tokens: record.tokens });
    assert.equal(await restarted.importTokens(record.tokens), 'kept');
    assert.equal((await store.get(KEY))?.tokens.refreshToken, rotated.refreshToken);
    emu.clock.advance(6 * HOUR);
    await restarted.getAccessToken();
    assert.deepEqual(refreshCounts(emu), { refreshes: 2, rejected: 0 });
  });

  test('importTokens with replace (a new login) overwrites', async (t) => {
    const { emu, manager } = await setup(t);
    const login = mintRecord(emu);
    assert.equal(await manager.importTokens(TokenSet.fromData(login.tokens), { replace: true }), 'imported');
    assert.equal(await manager.getAccessToken(), login.tokens.accessToken);
  });

  test('no tokens under the key: NotLoggedInError naming the key and the login command', async (t) => {
    const emu = await startTestEmulator(t);
    const manager = new TokenManager({ store: new MemoryStore(), key: 'work', oauth: { ...oauthFor(emu), loginCommand: 'strava-auth login --profile work' } });
    const error = await manager.getAccessToken().catch((e: unknown) => e);
    assert.ok(error instanceof NotLoggedInError);
    assert.equal(error.message, 'No Strava tokens are stored for "work". Log in first (strava-auth login --profile work).');
  });

  test('a key that could escape a directory is refused', async (t) => {
    const emu = await startTestEmulator(t);
    for (const key of ['../x', 'a/b', '', '.hidden', 'Work']) {
      assert.throws(() => new TokenManager({ store: new MemoryStore(), key, oauth: oauthFor(emu) }), InvalidTokenKeyError, key);
    }
  });
});

/**
 * AthleteTokens keeps a token manager per athlete refreshed lately, and drops idle ones past a
 * bound, never one that holds tokens its store failed to save. The emulator as Strava (rotating
 * refresh tokens on every refresh, so a lost set would be a dead athlete).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AthleteTokens } from '../src/server/athlete-tokens.ts';
import { errorAnswer } from '../src/server/error-response.ts';
import { MemoryServiceStore } from '../src/server/memory-service-store.ts';
import { ServiceMetrics } from '../src/server/metrics.ts';
import { TokensNotSavedError } from '../src/tokens/errors/tokens-not-saved-error.ts';
import { TokenManager } from '../src/tokens/token-manager.ts';
import { FAST_RETRY, HOUR, accessTokenWorks, mintRecord, oauthFor, refreshCounts } from './fixtures/token-env.ts';
import { InterceptedStore } from './fixtures/intercepted-store.ts';
import { startTestEmulator } from './helpers/emulator.ts';

/**
 * A memory store whose locked writes fail while `failing` is set (a database down), and whose
 * reads of one key can be held (`holdReads(key, n)`: the n-th read from now waits for release()).
 */
class FailingWrites extends InterceptedStore {
  failing = false;
  #hold: { key: string; left: number; reached: () => void; released: Promise<void> } | undefined;
  constructor() {
    super(async () => {
      if (this.failing) throw Object.assign(new Error('connection terminated'), { code: 'ECONNRESET' });
    });
  }

  holdRead(key: string, nth: number): { reached: Promise<void>; release: () => void } {
    let release!: () => void;
    let reached!: () => void;
    const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
    this.#hold = { key, left: nth, reached, released: new Promise<void>((resolve) => (release = resolve)) };
    return { reached: reachedPromise, release };
  }

  override async get(key: string) {
    const hold = this.#hold;
    if (hold?.key === key && --hold.left === 0) {
      this.#hold = undefined;
      hold.reached();
      await hold.released;
    }
    return super.get(key);
  }
}

function athleteTokensFor(emu: import('../src/emulator/index.ts').Emulator, store: FailingWrites, maxManagers: number): AthleteTokens {
  return new AthleteTokens({
    store,
    serviceStore: new MemoryServiceStore(),
    oauth: { ...oauthFor(emu), retry: FAST_RETRY },
    clock: emu.clock,
    metrics: new ServiceMetrics(),
    log: () => {},
    maxManagers,
  });
}

test('TokenManager.idle: false while it holds tokens its store could not save, true once saved', async (t) => {
  const emu = await startTestEmulator(t);
  emu.rotateRefreshTokens = 'always';
  const store = new FailingWrites();
  await store.set('default', mintRecord(emu));
  const manager = new TokenManager({ store, key: 'default', oauth: oauthFor(emu), retry: FAST_RETRY });
  assert.equal(manager.idle, true);
  emu.clock.advance(6 * HOUR);
  store.failing = true;
  await assert.rejects(manager.getAccessToken(), TokensNotSavedError);
  assert.equal(manager.idle, false);
  store.failing = false;
  await manager.getAccessToken();
  assert.equal(manager.idle, true);
});

test('past maxManagers, idle managers are dropped and one holding unsaved tokens is kept: its athlete survives', async (t) => {
  const emu = await startTestEmulator(t);
  emu.rotateRefreshTokens = 'always';
  const store = new FailingWrites();
  const ids = [11, 12, 13, 14, 15, 16];
  for (const id of ids) await store.set(String(id), mintRecord(emu, ['activity:read_all'], id));
  const athletes = athleteTokensFor(emu, store, 2);
  emu.clock.advance(6 * HOUR); // every athlete needs a refresh
  store.failing = true;
  const unsaved = await athletes.token(11, 0).catch((error: unknown) => error);
  assert.ok(unsaved instanceof TokensNotSavedError);
  assert.equal(errorAnswer(unsaved, emu.clock.now()).status, 503, 'a retry saves them: 503, not 500');
  store.failing = false;
  // Five more athletes refreshed: five more managers, the bound passed again and again.
  for (const id of ids.slice(1)) assert.equal((await athletes.token(id, 0)).athlete_id, id);
  assert.deepEqual(refreshCounts(emu), { refreshes: 6, rejected: 0 });
  // Athlete 11's manager was kept: it saves the set Strava issued instead of refreshing with the
  // stored (dead) refresh token.
  const answer = await athletes.token(11, 0);
  assert.equal(await accessTokenWorks(emu, answer.access_token), true);
  assert.equal((await store.get('11'))?.tokens.accessToken, answer.access_token);
  assert.deepEqual(refreshCounts(emu), { refreshes: 6, rejected: 0 });
});

test('a manager in use is not dropped: a refresh that starts after others passed the bound still keeps its unsaved set', async (t) => {
  const emu = await startTestEmulator(t);
  emu.rotateRefreshTokens = 'always';
  const store = new FailingWrites();
  for (const id of [11, 12, 13]) await store.set(String(id), mintRecord(emu, ['activity:read_all'], id));
  const athletes = athleteTokensFor(emu, store, 2);
  emu.clock.advance(6 * HOUR);
  // Athlete 11's first read is the service's own; the second is its manager's, held.
  const held = store.holdRead('11', 2);
  const first = athletes.token(11, 0).catch((error: unknown) => error);
  await held.reached;
  for (const id of [12, 13]) assert.equal((await athletes.token(id, 0)).athlete_id, id); // past the bound
  store.failing = true;
  held.release();
  assert.ok((await first) instanceof TokensNotSavedError);
  store.failing = false;
  const answer = await athletes.token(11, 0);
  assert.equal(await accessTokenWorks(emu, answer.access_token), true);
  assert.deepEqual(refreshCounts(emu), { refreshes: 3, rejected: 0 });
});

test('Strava refusing the refresh token drops the cached token too: no 200 with it afterwards', async (t) => {
  const emu = await startTestEmulator(t);
  const store = new FailingWrites();
  await store.set('8', mintRecord(emu, ['activity:read_all'], 8));
  const athletes = athleteTokensFor(emu, store, 10);
  emu.clock.advance(5.5 * HOUR);
  const cached = await athletes.token(8, 0);
  assert.equal(athletes.cachedToken(8, 0), cached);
  // The refresh token dies behind the service's back (another client refreshed with it).
  await fetch(`${emu.url}/oauth/token`, {
    method: 'POST',
    body: new URLSearchParams({ client_id: String(emu.clientId), client_secret: emu.clientSecret, grant_type: 'refresh_token', refresh_token: (await store.get('8'))!.tokens.refreshToken }),
  });
  await assert.rejects(athletes.token(8, 3000), (error: Error & { code?: string }) => error.code === 'refresh_token_invalid');
  assert.equal(athletes.cachedToken(8, 0), undefined);
  await assert.rejects(athletes.token(8, 0), (error: Error & { code?: string }) => error.code === 'refresh_token_invalid');
});

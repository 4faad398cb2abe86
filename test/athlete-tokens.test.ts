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

/** A memory store whose locked writes fail while `failing` is set (a database down). */
class FailingWrites extends InterceptedStore {
  failing = false;
  constructor() {
    super(async () => {
      if (this.failing) throw Object.assign(new Error('connection terminated'), { code: 'ECONNRESET' });
    });
  }
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
  const athletes = new AthleteTokens({
    store,
    serviceStore: new MemoryServiceStore(),
    oauth: { ...oauthFor(emu), retry: FAST_RETRY },
    clock: emu.clock,
    metrics: new ServiceMetrics(),
    log: () => {},
    maxManagers: 2,
  });
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

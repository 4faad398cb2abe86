/**
 * Several processes sharing one FileStore, against the emulator running in this process:
 * refreshes are single-flight across processes, and a process killed with SIGKILL at any
 * instant of refresh-and-persist never leaves a torn store or a dead refresh token behind
 * (except in the one window no client can close: see the kill test).
 */
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { InvalidRefreshTokenError } from '../src/core/errors/invalid-refresh-token-error.ts';
import { refreshTokens } from '../src/core/token-endpoint.ts';
import { TokenSet } from '../src/core/token-set.ts';
import { readLockHolder } from '../src/node/file-lock.ts';
import { FileStore } from '../src/node/file-store.ts';
import { TokenManager } from '../src/tokens/token-manager.ts';
import { startFaultProxy } from './fixtures/fault-proxy.ts';
import { spawnWorker } from './fixtures/spawn-worker.ts';
import { mintRecord, oauthFor, tempDir } from './fixtures/token-env.ts';
import { assertOneRefresh, workerConfig, WORKER_KEY } from './fixtures/worker-race.ts';
import { startTestEmulator } from './helpers/emulator.ts';

const KEY = WORKER_KEY;

describe('several processes, one FileStore', () => {
  test('two processes refreshing at once: exactly one refresh reaches the emulator, both get the same valid token', async (t) => {
    const emu = await startTestEmulator(t);
    emu.rotateRefreshTokens = 'always';
    for (let round = 0; round < 3; round++) {
      const dir = await tempDir(t);
      await assertOneRefresh(t, emu, new FileStore({ dir, warn: () => {} }), { dir }, { processes: 2, concurrency: 1, message: `round ${round}` });
    }
  });

  test('4 processes x 10 concurrent callers on an expired token: one refresh in all', async (t) => {
    const emu = await startTestEmulator(t);
    const dir = await tempDir(t);
    await assertOneRefresh(t, emu, new FileStore({ dir, warn: () => {} }), { dir }, { processes: 4, concurrency: 10 });
  });

  test('SIGKILL at random instants of refresh-and-persist never leaves a torn store or a dead token it could have saved', async (t) => {
    const ITERATIONS = 60;
    const emu = await startTestEmulator(t);
    emu.rotateRefreshTokens = 'always'; // every refresh rotates: every iteration has a window to hit
    const proxy = await startFaultProxy(emu.url);
    t.after(() => proxy.close());
    const dir = await tempDir(t);
    const store = new FileStore({ dir, warn: () => {} });
    const parent = new TokenManager({ store, key: KEY, oauth: oauthFor(emu, proxy.url) });

    /** Refresh tokens of the current grant in the order Strava handed them out. */
    let history: string[] = [];
    let issuedBefore = 0;
    const seed = async () => {
      const record = mintRecord(emu);
      await store.set(KEY, record);
      history = [record.tokens.refreshToken];
      issuedBefore = proxy.issuedRefreshTokens.length;
    };
    await seed();

    const outcome = { newest: 0, window: 0, staleLocks: 0, refreshesByChildren: 0 };
    for (let i = 0; i < ITERATIONS; i++) {
      const worker = spawnWorker(workerConfig(emu, 'refresh-loop', { dir, baseUrl: proxy.url }));
      assert.equal(await worker.nextLine(), 'ready');
      const before = proxy.issuedRefreshTokens.length;
      await delay(Math.random() * 30); // a random instant: the point of the test, not a wait for a result
      worker.child.kill('SIGKILL');
      await worker.exited;
      await proxy.settle(); // requests the child sent before dying are answered (and recorded) by now
      outcome.refreshesByChildren += proxy.issuedRefreshTokens.length - before;
      history.push(...proxy.issuedRefreshTokens.slice(issuedBefore));
      issuedBefore = proxy.issuedRefreshTokens.length;
      if (await readLockHolder(store.lockPathOf(KEY))) outcome.staleLocks++;

      // 1. Never torn: the file parses as a complete record (a CorruptTokenFileError fails the test).
      const stored = await store.get(KEY);
      assert.ok(stored, `iteration ${i}: the record exists`);
      assert.equal(stored.invalid, undefined);
      const newest = history.at(-1);
      if (stored.tokens.refreshToken === newest) {
        // 2. The newest token Strava handed out is stored, and Strava accepts it.
        outcome.newest++;
        await parent.refresh({ force: true });
        await proxy.settle();
        history.push(...proxy.issuedRefreshTokens.slice(issuedBefore));
        issuedBefore = proxy.issuedRefreshTokens.length;
        assert.equal((await store.get(KEY))?.tokens.refreshToken, history.at(-1));
      } else {
        // 3. The unavoidable window: Strava rotated and answered, and the process died before the
        //    answer was on disk. The store holds the previous token (never anything older), which
        //    Strava has indeed killed; only a new login helps. Counted, then the test logs in again.
        assert.equal(stored.tokens.refreshToken, history.at(-2), `iteration ${i}: at most one rotation is lost`);
        await assert.rejects(refreshTokens(oauthFor(emu), TokenSet.fromData(stored.tokens)), InvalidRefreshTokenError);
        outcome.window++;
        await seed();
      }
    }
    t.diagnostic(
      `${ITERATIONS} kills: ${outcome.newest} left the newest tokens, ${outcome.window} hit the window between Strava's answer and the rename, ` +
        `${outcome.staleLocks} left a lock held by the dead process (taken over), ${outcome.refreshesByChildren} refreshes by the children`,
    );
    assert.equal(outcome.newest + outcome.window, ITERATIONS);
    assert.ok(outcome.refreshesByChildren > ITERATIONS / 3, 'the children did refresh between kills');
    // No process ever sent a dead refresh token; the only rejections are this test's own probes.
    assert.equal(emu.stats().rejectedRefreshTokens, outcome.window);
  });
});

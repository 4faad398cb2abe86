/**
 * Several processes sharing one FileStore, against the emulator running in this process:
 * refreshes are single-flight across processes, and a process killed with SIGKILL at any
 * instant of refresh-and-persist never leaves a torn store or a dead refresh token behind
 * (except in the one window no client can close, whose share of kills is bounded: see the kill test).
 */
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, test, type TestContext } from 'node:test';
import { InvalidRefreshTokenError } from '../src/core/errors/invalid-refresh-token-error.ts';
import { refreshTokens } from '../src/core/token-endpoint.ts';
import { TokenSet } from '../src/core/token-set.ts';
import type { Emulator } from '../src/emulator/index.ts';
import { readLockHolder } from '../src/node/file-lock.ts';
import { FileStore } from '../src/node/file-store.ts';
import { TokenManager } from '../src/tokens/token-manager.ts';
import { startFaultProxy } from './fixtures/fault-proxy.ts';
import { spawnWorker, type Worker } from './fixtures/spawn-worker.ts';
import { HOUR, accessTokenWorks, mintRecord, oauthFor, refreshCounts, tempDir } from './fixtures/token-env.ts';
import type { WorkerConfig } from './fixtures/token-worker.ts';
import { startTestEmulator } from './helpers/emulator.ts';

const KEY = 'default';

function workerConfig(emu: Emulator, dir: string, mode: WorkerConfig['mode'], extra: Partial<WorkerConfig> = {}): WorkerConfig {
  return { mode, dir, key: KEY, baseUrl: emu.url, clientId: emu.clientId, clientSecret: emu.clientSecret, nowMs: emu.clock.now(), ...extra };
}

/** Starts `count` `get` workers, releases them at the same instant, and collects their results. */
async function raceWorkers(t: TestContext, emu: Emulator, dir: string, count: number, concurrency: number) {
  const workers: Worker[] = Array.from({ length: count }, () => spawnWorker(workerConfig(emu, dir, 'get', { concurrency })));
  t.after(() => workers.forEach((w) => w.child.kill('SIGKILL')));
  for (const worker of workers) assert.equal(await worker.nextLine(), 'ready');
  for (const worker of workers) worker.send('go');
  return Promise.all(workers.map(async (worker) => JSON.parse(await worker.nextLine()) as { tokens: string[]; errors: string[] }));
}

describe('several processes, one FileStore', () => {
  test('two processes refreshing at once: exactly one refresh reaches the emulator, both get the same valid token', async (t) => {
    const emu = await startTestEmulator(t);
    emu.rotateRefreshTokens = 'always';
    for (let round = 0; round < 3; round++) {
      const dir = await tempDir(t);
      const store = new FileStore({ dir, warn: () => {} });
      await store.set(KEY, mintRecord(emu));
      emu.clock.advance(6 * HOUR);
      emu.resetStats();
      const results = await raceWorkers(t, emu, dir, 2, 1);
      assert.deepEqual(results.map((r) => r.errors), [[], []]);
      const tokens = results.flatMap((r) => r.tokens);
      assert.equal(new Set(tokens).size, 1, `round ${round}: same token in both processes`);
      assert.deepEqual(refreshCounts(emu), { refreshes: 1, rejected: 0 }, `round ${round}`);
      assert.equal(await accessTokenWorks(emu, tokens[0]!), true);
      assert.equal((await store.get(KEY))?.tokens.accessToken, tokens[0]);
    }
  });

  test('4 processes x 10 concurrent callers on an expired token: one refresh in all', async (t) => {
    const emu = await startTestEmulator(t);
    const dir = await tempDir(t);
    await new FileStore({ dir, warn: () => {} }).set(KEY, mintRecord(emu));
    emu.clock.advance(6 * HOUR);
    const results = await raceWorkers(t, emu, dir, 4, 10);
    assert.equal(new Set(results.flatMap((r) => r.tokens)).size, 1);
    assert.deepEqual(refreshCounts(emu), { refreshes: 1, rejected: 0 });
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

    const outcome = { newest: 0, window: 0, windowAfterRead: 0, staleLocks: 0, refreshesByChildren: 0 };
    for (let i = 0; i < ITERATIONS; i++) {
      const worker = spawnWorker(workerConfig(emu, dir, 'refresh-loop', { baseUrl: proxy.url }));
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
        // The child's trail says whether it had read the answer: if not, the request was still in
        // flight (Strava answers a client that has died); if so, the kill came while it saved.
        if (worker.lines.at(-1) === 'answered') outcome.windowAfterRead++;
        await seed();
      }
    }
    t.diagnostic(
      `${ITERATIONS} kills: ${outcome.newest} left the newest tokens, ${outcome.window} hit the window between sending the request and the rename (${outcome.windowAfterRead} of them after the child had read Strava's answer), ` +
        `${outcome.staleLocks} left a lock held by the dead process (taken over), ${outcome.refreshesByChildren} refreshes by the children`,
    );
    assert.equal(outcome.newest + outcome.window, ITERATIONS);
    // The window runs from sending the request to the rename. Part of it is the request in
    // flight, which no client can shorten (Strava answers a client that has died). The rest, from
    // reading the answer to the rename, is the client's: parsing, the temporary file, its fsync
    // (most of it) and the rename. Measured on the shared two-core VM under load (15 runs of 60
    // kills): 16-28 kills landed there (27-47 %), 33-46 in the whole window. A client that saves
    // late (a timer, a hook or another request before the save) moves most kills there: with
    // 20 ms between the answer and the save, 43-49 of 60. Two thirds lies between the two, with
    // room for slower disks; only a share is bounded, no duration.
    assert.ok(
      outcome.windowAfterRead <= (ITERATIONS * 2) / 3,
      `${outcome.windowAfterRead} of ${ITERATIONS} kills landed after the answer was read and before it was saved: the save comes too late`,
    );
    assert.ok(outcome.refreshesByChildren > ITERATIONS / 3, 'the children did refresh between kills');
    // No process ever sent a dead refresh token; the only rejections are this test's own probes.
    assert.equal(emu.stats().rejectedRefreshTokens, outcome.window);
  });
});

/**
 * Several processes sharing one FileStore, against the emulator running in this process:
 * refreshes are single-flight across processes, and a process killed with SIGKILL at any
 * instant of refresh-and-persist never leaves a torn store or a dead refresh token behind
 * (except in the one window no client can close, whose share of kills is bounded: see
 * test/fixtures/kill-loop.ts).
 */
import { describe, test } from 'node:test';
import { readLockHolder } from '../src/node/file-lock.ts';
import { FileStore } from '../src/node/file-store.ts';
import { assertSurvivesKills } from './fixtures/kill-loop.ts';
import { tempDir } from './fixtures/token-env.ts';
import { assertOneRefresh, WORKER_KEY } from './fixtures/worker-race.ts';
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
    const dir = await tempDir(t);
    const store = new FileStore({ dir, warn: () => {} });
    await assertSurvivesKills(t, { store, worker: { dir }, iterations: 60, lockHeld: async () => Boolean(await readLockHolder(store.lockPathOf(KEY))) });
  });
});

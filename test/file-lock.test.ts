/**
 * The cross-process lock of the file store: dead holders are taken over (by pid on this host, by
 * age elsewhere), takeover is race-free, and waiting is bounded. Waits are injected: no test
 * sleeps for real.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { ManualClock } from '../src/core/clock.ts';
import { acquireFileLock, readLockHolder, removeLockDrafts } from '../src/node/file-lock.ts';
import { FileStore } from '../src/node/file-store.ts';
import { LockTimeoutError } from '../src/tokens/errors/lock-timeout-error.ts';
import { spawnWorker } from './fixtures/spawn-worker.ts';
import { recordingSleep, tempDir } from './fixtures/token-env.ts';

/** Lets other tasks run without waiting for time to pass (the lock's injected sleep in races). */
const yieldSleep = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The pid of a process that has exited, so certainly dead. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

/** Leaves a lock directory as a holder would, with the marker's mtime `ageMs` in the past. */
async function plantLock(lockPath: string, marker: unknown, ageMs = 0): Promise<string> {
  await mkdir(lockPath, { recursive: true });
  const markerPath = join(lockPath, `${'ab'.repeat(16)}.json`);
  await writeFile(markerPath, typeof marker === 'string' ? marker : JSON.stringify(marker));
  const when = (Date.now() - ageMs) / 1000;
  await utimes(markerPath, when, when);
  return markerPath;
}

describe('file lock: holders that died', () => {
  test('a lock left by a process killed with SIGKILL is taken over at once', async (t) => {
    const dir = await tempDir(t);
    const worker = spawnWorker({ mode: 'hold-lock', dir, key: 'default', baseUrl: 'http://127.0.0.1:9', clientId: 1, clientSecret: 'x', nowMs: Date.now() });
    assert.equal(await worker.nextLine(), 'locked');
    const holder = await readLockHolder(join(dir, 'default.lock'));
    assert.ok(holder && holder !== 'empty' && holder.marker?.pid === worker.child.pid);
    worker.child.kill('SIGKILL');
    await worker.exited;
    const { sleep, waits } = recordingSleep();
    const store = new FileStore({ dir, warn: () => {}, sleep });
    let ran = false;
    await store.withLock('default', async () => {
      ran = true;
      const now = await readLockHolder(join(dir, 'default.lock'));
      assert.ok(now && now !== 'empty' && now.marker?.pid === process.pid);
    });
    assert.equal(ran, true);
    assert.deepEqual(waits, [], 'no waiting for a dead holder');
    assert.deepEqual(await readdir(dir), [], 'lock released, nothing left behind');
  });

  test('a holder on another host is taken over once it has shown no life for staleLockMs', async (t) => {
    const dir = await tempDir(t);
    const lockPath = join(dir, 'default.lock');
    await plantLock(lockPath, { pid: 1, hostname: 'another-host', createdAt: 0 }, 31_000);
    await new FileStore({ dir, warn: () => {}, staleLockMs: 30_000 }).withLock('default', async () => {});
  });

  test('a live holder on another host is waited for, and the timeout names the lock and the holder', async (t) => {
    const dir = await tempDir(t);
    await plantLock(join(dir, 'default.lock'), { pid: 4242, hostname: 'another-host', createdAt: 0 }, 1_000);
    const clock = new ManualClock({ frozen: true });
    const store = new FileStore({ dir, warn: () => {}, clock, sleep: async (ms) => clock.advance(ms / 1000), lockTimeoutMs: 10_000, staleLockMs: 30_000 });
    const error = await store.withLock('default', async () => {}).catch((e: unknown) => e);
    assert.ok(error instanceof LockTimeoutError);
    assert.deepEqual({ pid: error.holder?.pid, hostname: error.holder?.hostname }, { pid: 4242, hostname: 'another-host' });
    assert.match(error.message, new RegExp(`^Timed out after 10\\.\\d s waiting for the token lock of "default" \\(${dir}/default\\.lock\\), held by pid 4242 on another-host \\(last alive \\d+\\.\\d s ago\\)\\. `));
    assert.match(error.remedy, /taken over automatically/);
  });

  test('a marker nobody can read (power cut) is judged by its age alone', async (t) => {
    const dir = await tempDir(t);
    await plantLock(join(dir, 'default.lock'), '', 60_000);
    await new FileStore({ dir, warn: () => {} }).withLock('default', async () => {});
  });

  test('an empty lock directory (release interrupted between its two steps) is no lock', async (t) => {
    const dir = await tempDir(t);
    await mkdir(join(dir, 'default.lock'));
    const { sleep, waits } = recordingSleep();
    await new FileStore({ dir, warn: () => {}, sleep }).withLock('default', async () => {});
    assert.deepEqual(waits, []);
  });

  test('takeover is race-free: 20 waiters and a dead holder, never two inside', async (t) => {
    const dir = await tempDir(t);
    const lockPath = join(dir, 'default.lock');
    const pid = await deadPid();
    for (let round = 0; round < 20; round++) {
      await plantLock(lockPath, { pid, hostname: hostname(), createdAt: 0 });
      let inside = 0;
      let most = 0;
      let entered = 0;
      await Promise.all(
        Array.from({ length: 20 }, async (_, waiter) => {
          // Staggered starts, so that some waiters judge the holder while others take over.
          for (let i = 0; i < waiter % 7; i++) await yieldSleep();
          const lock = await acquireFileLock(lockPath, { sleep: yieldSleep });
          inside++;
          entered++;
          most = Math.max(most, inside);
          for (let i = 0; i < 1 + (waiter % 3); i++) await yieldSleep();
          inside--;
          await lock.release();
        }),
      );
      assert.equal(most, 1, `round ${round}`);
      assert.equal(entered, 20);
      await rm(lockPath, { recursive: true, force: true });
    }
  });

  test('a live holder keeps its lock past staleLockMs by its heartbeat (real time: the heartbeat is a timer)', async (t) => {
    const dir = await tempDir(t);
    const lockPath = join(dir, 'default.lock');
    const order: string[] = [];
    const holder = await acquireFileLock(lockPath, { staleMs: 300 });
    const waiter = acquireFileLock(lockPath, { staleMs: 300 }).then((lock) => {
      order.push('waiter acquired');
      return lock.release();
    });
    await delay(900); // three times staleMs: without heartbeats the waiter would have taken over
    order.push('holder releases');
    await holder.release();
    await waiter;
    assert.deepEqual(order, ['holder releases', 'waiter acquired']);
    assert.equal(holder.lost, false);
  });

  test('a holder whose marker disappeared learns at release that it was taken over', async (t) => {
    const dir = await tempDir(t);
    const lost: string[] = [];
    const lockPath = join(dir, 'default.lock');
    const lock = await acquireFileLock(lockPath, { onLost: (path) => void lost.push(path) });
    for (const name of await readdir(lockPath)) await rm(join(lockPath, name));
    await lock.release();
    assert.equal(lock.lost, true);
    assert.deepEqual(lost, [lockPath]);
  });

  test('drafts left by waiters that died are removed; a live waiter\'s draft is kept', async (t) => {
    const dir = await tempDir(t);
    const lockPath = join(dir, 'default.lock');
    const pid = await deadPid();
    await plantLock(join(dir, `.default.lock.${'cd'.repeat(16)}.tmp`), { pid, hostname: hostname(), createdAt: 0 });
    await plantLock(join(dir, `.default.lock.${'ef'.repeat(16)}.tmp`), { pid: process.pid, hostname: hostname(), createdAt: 0 });
    await removeLockDrafts(lockPath);
    assert.deepEqual(await readdir(dir), [`.default.lock.${'ef'.repeat(16)}.tmp`]);
  });
});

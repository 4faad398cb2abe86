/**
 * The TokenStore contract for the memory and file stores (test/helpers/store-contract.ts), and
 * their lock timeouts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ManualClock } from '../src/core/clock.ts';
import { FileStore } from '../src/node/file-store.ts';
import { LockTimeoutError } from '../src/tokens/errors/lock-timeout-error.ts';
import { MemoryStore } from '../src/tokens/memory-store.ts';
import { tempDir } from './fixtures/token-env.ts';
import { storeContract } from './helpers/store-contract.ts';

storeContract('MemoryStore', async () => new MemoryStore());
storeContract('FileStore', async (t) => new FileStore({ dir: await tempDir(t), warn: () => {} }), {
  withCipher: async (t) => {
    const dir = await tempDir(t);
    return async (cipher) => new FileStore({ dir, warn: () => {}, cipher });
  },
});

describe('lock timeouts', () => {
  test('MemoryStore: a waiter gives up with LockTimeoutError', async () => {
    const store = new MemoryStore({ sleep: async () => {} });
    await store.withLock('default', async () => {
      const error = await store.withLock('default', async () => {}, { timeoutMs: 5000 }).catch((e: unknown) => e);
      assert.ok(error instanceof LockTimeoutError);
      assert.equal(error.code, 'lock_timeout');
      assert.equal(error.message.split(' Another')[0], 'Timed out after 5.0 s waiting for the token lock of "default" (in-process memory store).');
    });
    await store.withLock('default', async () => {}); // the lock still works after a waiter left
  });

  test('FileStore: a waiter in another store instance gives up, naming the lock file and its holder', async (t) => {
    const dir = await tempDir(t);
    const clock = new ManualClock({ frozen: true });
    const holder = new FileStore({ dir, warn: () => {} });
    const waiter = new FileStore({ dir, warn: () => {}, clock, sleep: async (ms) => clock.advance(ms / 1000), lockTimeoutMs: 5000 });
    await holder.withLock('default', async () => {
      const error = await waiter.withLock('default', async () => {}).catch((e: unknown) => e);
      assert.ok(error instanceof LockTimeoutError);
      assert.equal(error.resource, holder.lockPathOf('default'));
      assert.equal(error.holder?.pid, process.pid);
      assert.match(error.message, new RegExp(`^Timed out after 5\\.\\d s waiting for the token lock of "default" \\(${dir}/default\\.lock\\), held by pid ${process.pid} on `));
    });
    await waiter.withLock('default', async () => {});
  });

  test('FileStore: calling set inside withLock for the same key times out instead of hanging', async (t) => {
    const store = new FileStore({ dir: await tempDir(t), warn: () => {} });
    await store.withLock('default', async () => {
      const error = await store.withLock('default', async () => {}, { timeoutMs: 1 }).catch((e: unknown) => e);
      assert.ok(error instanceof LockTimeoutError);
      assert.match(error.resource, /queued in this process$/);
    });
  });
});

/**
 * The per-key lock of SqliteStore across processes and store instances: exclusion, dead holders
 * (taken over at once on this host, at expiry elsewhere), heartbeats, takeover while held, and
 * no database transaction held across the callback. Waits are injected: no test sleeps for time.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, test, type TestContext } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { ManualClock } from '../src/core/clock.ts';
import { LOCKS_TABLE } from '../src/sqlite/sqlite-schema.ts';
import { SqliteStore, type SqliteStoreOptions } from '../src/sqlite/sqlite-store.ts';
import { LockTimeoutError } from '../src/tokens/errors/lock-timeout-error.ts';
import { spawnWorker, type Worker } from './fixtures/spawn-worker.ts';
import { recordingSleep, tempDir } from './fixtures/token-env.ts';
import { record, tick } from './helpers/store-contract.ts';

/** The lock's longest pause between two attempts (sqlite-lock.ts). */
const MAX_BACKOFF_MS = 100;

async function dbPath(t: TestContext): Promise<string> {
  return join(await tempDir(t), 'tokens.db');
}

function open(t: TestContext, path: string, options: Partial<SqliteStoreOptions> = {}): SqliteStore {
  const store = new SqliteStore({ path, warn: () => {}, ...options });
  t.after(() => store.close());
  return store;
}

/** A store whose lock waits move a frozen clock instead of waiting. */
function waitingStore(t: TestContext, path: string, options: Partial<SqliteStoreOptions> = {}) {
  const clock = new ManualClock({ frozen: true });
  const start = clock.now();
  const store = open(t, path, { clock, sleep: async (ms) => clock.advance(ms / 1000), ...options });
  return { store, clock, waited: () => clock.now() - start };
}

function raw(t: TestContext, path: string): DatabaseSync {
  const db = new DatabaseSync(path);
  t.after(() => db.close());
  return db;
}

/** A child process holding `key`'s lock in the database at `path` until it is killed. */
async function lockHolder(t: TestContext, path: string, key = 'default'): Promise<Worker> {
  const worker = spawnWorker({ mode: 'hold-lock', store: `sqlite:${path}`, dir: '', key, baseUrl: 'http://127.0.0.1:9', clientId: 1, clientSecret: 'x', nowMs: Date.now() });
  t.after(() => worker.child.kill('SIGKILL'));
  assert.equal(await worker.nextLine(), 'locked');
  return worker;
}

describe('SqliteStore lock: across processes', () => {
  test('a live holder in another process is waited for; the timeout names the database and the holder', async (t) => {
    const path = await dbPath(t);
    const worker = await lockHolder(t, path);
    const { store, waited } = waitingStore(t, path, { lockTimeoutMs: 5_000 });
    let ran = false;
    const error = await store.withLock('default', async () => void (ran = true)).catch((e: unknown) => e);
    assert.equal(ran, false);
    assert.ok(error instanceof LockTimeoutError);
    assert.equal(error.resource, `${path}, table ${LOCKS_TABLE}`);
    assert.equal(error.holder?.pid, worker.child.pid);
    assert.match(error.message, new RegExp(`^Timed out after 5\\.\\d s waiting for the token lock of "default" \\(${path}, table ${LOCKS_TABLE}\\), held by pid ${worker.child.pid} on `));
    assert.ok(waited() >= 5_000 && waited() < 5_000 + MAX_BACKOFF_MS);
  });

  test('a holder killed with SIGKILL on this host is taken over at once', async (t) => {
    const path = await dbPath(t);
    const worker = await lockHolder(t, path);
    worker.child.kill('SIGKILL');
    await worker.exited;
    const { sleep, waits } = recordingSleep();
    const store = open(t, path, { sleep });
    await store.set('default', record('after'));
    assert.deepEqual(waits, [], 'no waiting for a dead holder');
    assert.equal(raw(t, path).prepare(`SELECT count(*) AS n FROM ${LOCKS_TABLE}`).get()?.n, 0, 'released, nothing left behind');
  });

  test('a killed holder on another host (a container sharing the file) blocks the next caller until its lock expires, and no longer', async (t) => {
    const path = await dbPath(t);
    const worker = await lockHolder(t, path);
    worker.child.kill('SIGKILL');
    await worker.exited;
    // Its pid means nothing here: only the expiry tells that it is dead.
    const db = raw(t, path);
    db.exec(`UPDATE ${LOCKS_TABLE} SET hostname = 'another-host'`);
    const { expires_at: expiresAt } = db.prepare(`SELECT expires_at FROM ${LOCKS_TABLE}`).get() as { expires_at: number };
    const { store, clock } = waitingStore(t, path, { lockTimeoutMs: 60_000 });
    let enteredAt = 0;
    await store.withLock('default', async () => void (enteredAt = clock.now()));
    assert.ok(enteredAt > expiresAt, 'not taken before the expiry');
    assert.ok(enteredAt <= expiresAt + MAX_BACKOFF_MS, `taken at most one pause after it (${enteredAt - expiresAt} ms)`);
  });

  test('the lock is a row, not a transaction: other keys can be written while a key is held', async (t) => {
    const path = await dbPath(t);
    await lockHolder(t, path, 'default');
    // A busy timeout of 0: a write transaction held by the holder would fail this at once.
    const { sleep, waits } = recordingSleep();
    const store = open(t, path, { busyTimeoutMs: 0, sleep });
    await store.set('other', record('other'));
    await store.withLock('third', async (locked) => locked.set(record('third')));
    assert.deepEqual(await store.keys(), ['other', 'third']);
    assert.deepEqual(waits, []);
  });
});

describe('SqliteStore lock: holders and waiters in one process', () => {
  test('a heartbeat keeps a long callback alive past the lock ttl', async (t) => {
    const path = await dbPath(t);
    const holderClock = new ManualClock({ frozen: true });
    const holder = open(t, path, { clock: holderClock, lockTtlMs: 30 }); // beats every 10 ms
    const db = raw(t, path);
    await holder.withLock('default', async () => {
      holderClock.advance(3600); // an hour passes inside the callback
      const beat = () => (db.prepare(`SELECT alive_at FROM ${LOCKS_TABLE}`).get() as { alive_at: number }).alive_at;
      for (let i = 0; beat() !== holderClock.now(); i++) {
        assert.ok(i < 500, 'a heartbeat within 5 s');
        await delay(10); // waits for the heartbeat timer, an event; the bound above makes it fail, not hang
      }
      // Without the heartbeat the lock would have expired 3600 s ago by now.
      const waiterClock = new ManualClock({ frozen: true, start: holderClock.now() });
      const waiter = open(t, path, { clock: waiterClock, sleep: async (ms) => waiterClock.advance(ms / 1000), lockTimeoutMs: 20 });
      await assert.rejects(waiter.withLock('default', async () => {}), LockTimeoutError);
    });
  });

  test('a lock taken over while held: a warning, and the release leaves the successor its lock', async (t) => {
    const path = await dbPath(t);
    const warnings: string[] = [];
    const store = open(t, path, { warn: (message) => void warnings.push(message), lockTtlMs: 30_000 });
    await store.set('other', record('other')); // creates the file, before the raw connection opens it
    const db = raw(t, path);
    await store.withLock('default', async (locked) => {
      db.exec(`UPDATE ${LOCKS_TABLE} SET owner = 'successor'`);
      await locked.set(record('written-anyway'));
    });
    assert.deepEqual(warnings, [
      `strava-auth: the lock of "default" in ${path}, table ${LOCKS_TABLE} was taken over while this process held it (was it paused for more than 30 s?).`,
    ]);
    assert.equal(db.prepare(`SELECT owner FROM ${LOCKS_TABLE}`).get()?.owner, 'successor');
  });

  test('deletion while another store waits for the lock: the waiter then finds nothing, and writes nothing back', async (t) => {
    const path = await dbPath(t);
    const first = open(t, path);
    await first.set('default', record('a'));
    const paused: Array<() => void> = [];
    const second = open(t, path, { sleep: () => new Promise<void>((resolve) => paused.push(resolve)) });
    let seen: unknown = 'not yet';
    let waiting: Promise<void> | undefined;
    await first.withLock('default', async () => {
      waiting = second.withLock('default', async (locked) => {
        seen = await locked.get();
      });
      while (paused.length === 0) await tick(); // the second store found the lock held and waits
    });
    await first.delete('default');
    assert.equal(seen, 'not yet');
    paused.shift()!();
    await waiting;
    assert.equal(seen, undefined);
    assert.equal(await first.get('default'), undefined);
  });
});

/**
 * The ServiceStore contract, run on every implementation: memory, SQLite (a real file) and
 * PostgreSQL (a schema of its own). Two instances on one database share everything at once; a
 * pending login is taken exactly once even by concurrent replicas.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { dirname } from 'node:path';
import { after, describe, test, type TestContext } from 'node:test';
import { PostgresServiceStore } from '../src/postgres/postgres-service-store.ts';
import { MemoryServiceStore } from '../src/server/memory-service-store.ts';
import type { ServiceStore } from '../src/server/service-store.ts';
import { SqliteServiceStore } from '../src/sqlite/sqlite-service-store.ts';
import { StoreUnavailableError } from '../src/tokens/errors/store-unavailable-error.ts';
import { closeAdmin, postgresSuite, TEST_DATABASE_URL, testSchema } from './helpers/postgres.ts';
import { tempDatabase } from './helpers/serve.ts';

/** Opens a second instance on the same database (the first itself for memory). */
type Opener = (t: TestContext) => Promise<() => Promise<ServiceStore>>;

const implementations: Array<[string, Opener, { skip?: string }]> = [
  ['MemoryServiceStore', async () => {
    const store = new MemoryServiceStore();
    return async () => store;
  }, {}],
  ['SqliteServiceStore', async (t) => {
    const path = await tempDatabase(t);
    return async () => {
      const store = new SqliteServiceStore({ path });
      t.after(() => store.close());
      return store;
    };
  }, {}],
  ['PostgresServiceStore', async (t) => {
    const schema = await testSchema(t);
    return async () => {
      const store = PostgresServiceStore.fromConnectionString(TEST_DATABASE_URL, { schema });
      t.after(() => store.close());
      return store;
    };
  }, postgresSuite],
];

after(() => closeAdmin());

/** How many of this process's file descriptors are open on `path` (Linux: /proc/self/fd). */
function handlesOn(path: string): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === path;
    } catch {
      return false; // the descriptor readdir itself used, closed by now
    }
  }).length;
}

for (const [name, opener, suite] of implementations) {
  describe(`${name}: the ServiceStore contract`, suite, () => {
    test('a pending login is taken once, from any instance, even by concurrent takers', async (t) => {
      const open = await opener(t);
      const [a, b] = [await open(), await open()];
      const login = { scopes: ['read', 'activity:write'], returnTo: 'https://app.example/x', createdAt: 1000, expiresAt: 2000 };
      assert.equal(await a.putPendingLogin('state-1', login, 10), true);
      assert.deepEqual(await b.takePendingLogin('state-1'), login);
      assert.equal(await a.takePendingLogin('state-1'), undefined);
      await a.putPendingLogin('state-2', { scopes: ['read'], createdAt: 1000, expiresAt: 2000 }, 10);
      const takes = await Promise.all([a.takePendingLogin('state-2'), b.takePendingLogin('state-2'), a.takePendingLogin('state-2')]);
      assert.equal(takes.filter(Boolean).length, 1);
      assert.deepEqual(takes.find(Boolean), { scopes: ['read'], createdAt: 1000, expiresAt: 2000 });
      assert.equal(await a.takePendingLogin('never-put'), undefined);
    });

    test('pending logins: refused at the cap of unexpired ones (nothing changes), put again once some are taken or expire', async (t) => {
      const open = await opener(t);
      const [a, b] = [await open(), await open()];
      const login = (createdAt: number) => ({ scopes: ['read'], createdAt, expiresAt: createdAt + 1000 });
      assert.equal(await a.putPendingLogin('s1', login(0), 3), true);
      assert.equal(await b.putPendingLogin('s2', login(500), 3), true);
      assert.equal(await a.putPendingLogin('s3', login(500), 3), true);
      assert.equal(await b.putPendingLogin('s4', login(600), 3), false, 'the other instance counts the first one\'s');
      assert.equal(await a.putPendingLogin('s4', login(600), 3), false);
      assert.equal(await b.takePendingLogin('s4'), undefined, 'a refused put stores nothing');
      // Putting a state again replaces it: it does not count against itself.
      assert.equal(await a.putPendingLogin('s3', login(600), 3), true);
      assert.deepEqual(await b.takePendingLogin('s2'), login(500), 'a login put before the cap is still there');
      assert.equal(await a.putPendingLogin('s5', login(700), 3), true, 'a taken one frees its place');
      assert.equal(await b.putPendingLogin('s6', login(800), 3), false);
      // At 1001 s1 (expiring at 1000) has expired: its place is free, though nobody took it.
      assert.equal(await b.putPendingLogin('s6', login(1001), 3), true);
      assert.equal(await a.putPendingLogin('s7', login(1001), 3), false);
      assert.deepEqual(await a.takePendingLogin('s3'), login(600));
      assert.deepEqual(await a.takePendingLogin('s5'), login(700));
      assert.deepEqual(await a.takePendingLogin('s6'), login(1001));
    });

    test('pending logins: puts racing on two instances never pass the cap between them', async (t) => {
      const open = await opener(t);
      const [a, b] = [await open(), await open()];
      const results = await Promise.all(
        Array.from({ length: 24 }, (_, i) => (i % 2 ? a : b).putPendingLogin(`race-${i}`, { scopes: ['read'], createdAt: 0, expiresAt: 1000 }, 7)),
      );
      assert.equal(results.filter(Boolean).length, 7);
      const kept = await Promise.all(results.map((_, i) => a.takePendingLogin(`race-${i}`)));
      assert.deepEqual(kept.map(Boolean), results);
    });

    test('API keys: added, listed in creation order, found by hash, revoked (seen by the other instance)', async (t) => {
      const open = await opener(t);
      const [a, b] = [await open(), await open()];
      await a.addApiKey({ id: 'k2', hash: 'h2', label: 'second', createdAt: 20 });
      await a.addApiKey({ id: 'k1', hash: 'h1', label: 'first', createdAt: 10 });
      assert.deepEqual((await b.listApiKeys()).map((k) => [k.id, k.hash, k.label, k.createdAt]), [['k1', 'h1', 'first', 10], ['k2', 'h2', 'second', 20]]);
      assert.equal(await b.hasApiKeyHash('h1'), true);
      assert.equal(await b.hasApiKeyHash('h3'), false);
      assert.equal(await b.revokeApiKey('k1'), true);
      assert.equal(await a.revokeApiKey('k1'), false);
      assert.deepEqual((await a.listApiKeys()).map((k) => k.id), ['k2']);
      assert.equal(await a.hasApiKeyHash('h1'), false);
      assert.equal(await a.hasApiKeyHash('h2'), true);
    });

    test('athlete statuses: set, read, listed by id, cleared', async (t) => {
      const open = await opener(t);
      const [a, b] = [await open(), await open()];
      await a.setAthleteStatus(30, { status: 'revoked', reason: 'webhook', at: 5 });
      await a.setAthleteStatus(4, { status: 'revoked', reason: 'api', at: 6 });
      assert.deepEqual(await b.getAthleteStatus(30), { status: 'revoked', reason: 'webhook', at: 5 });
      assert.deepEqual((await b.listAthleteStatuses()).map((s) => s.athleteId), [4, 30]);
      await b.clearAthleteStatus(30);
      assert.equal(await a.getAthleteStatus(30), undefined);
    });

    test('webhook events: recorded once, a duplicate is false, even from concurrent instances', async (t) => {
      const open = await opener(t);
      const [a, b] = [await open(), await open()];
      assert.equal(await a.recordEventOnce('1:athlete:7:update:100', 1000), true);
      assert.equal(await b.recordEventOnce('1:athlete:7:update:100', 1001), false);
      const results = await Promise.all([a.recordEventOnce('e2', 1002), b.recordEventOnce('e2', 1002)]);
      assert.deepEqual(results.sort(), [false, true]);
      await a.ping();
    });
  });
}

describe('service stores that cannot be used', () => {
  test('SQLite: a closed store fails with StoreUnavailableError', async (t) => {
    const store = new SqliteServiceStore({ path: await tempDatabase(t) });
    await store.open();
    await store.close();
    await assert.rejects(store.ping(), StoreUnavailableError);
  });

  test('SQLite: close() while open() is under way leaves no open handle, and later calls fail', { skip: !existsSync('/proc/self/fd') && 'no /proc/self/fd' }, async (t) => {
    const path = await tempDatabase(t);
    const store = new SqliteServiceStore({ path, warn: () => {} });
    const opening = store.open();
    await store.close();
    await assert.rejects(opening, { name: 'StoreUnavailableError', message: `The token store ${path} is unavailable: close() was called on this SqliteServiceStore. Create a new SqliteServiceStore to use the database again.` });
    assert.equal(handlesOn(path), 0);
    await assert.rejects(store.ping(), StoreUnavailableError);
    await assert.rejects(store.addApiKey({ id: 'k', hash: 'h', label: 'l', createdAt: 1 }), StoreUnavailableError);
    assert.equal(handlesOn(path), 0);
    // The probe itself sees handles: an open store holds the file.
    const open = new SqliteServiceStore({ path, warn: () => {} });
    await open.open();
    assert.equal(handlesOn(path), 1);
    await open.close();
    assert.equal(handlesOn(path), 0);
  });

  test('SQLite: a database others can read is warned about when opened, with the chmod command', async (t) => {
    const path = await tempDatabase(t);
    const first = new SqliteServiceStore({ path, warn: () => {} });
    await first.addApiKey({ id: 'k', hash: 'h', label: 'l', createdAt: 1 });
    await first.close();
    await chmod(path, 0o644);
    await chmod(dirname(path), 0o755);
    const warnings: string[] = [];
    const again = new SqliteServiceStore({ path, warn: (message) => void warnings.push(message) });
    t.after(() => again.close());
    await again.open();
    const holds = "the token service's state (API key hashes, pending logins)";
    // SQLite gives the -wal and -shm files the database's mode.
    assert.deepEqual(warnings, [
      `strava-auth: the directory ${dirname(path)} is accessible by other users (mode 755) and holds ${holds}. Fix it with: chmod 700 ${dirname(path)}`,
      ...[path, `${path}-wal`, `${path}-shm`].map((file) => `strava-auth: the file ${file} is accessible by other users (mode 644) and holds ${holds}. Fix it with: chmod 600 ${file}`),
    ]);
  });

  test('PostgreSQL: nothing listening is StoreUnavailableError, without the password', postgresSuite, async () => {
    const store = PostgresServiceStore.fromConnectionString('postgres://user:s3cret-pass@127.0.0.1:1/db');
    const error = await store.ping().catch((e: unknown) => e);
    await store.close();
    assert.ok(error instanceof StoreUnavailableError, String(error));
    assert.ok(!JSON.stringify(error.toJSON()).includes('s3cret-pass') && !error.message.includes('s3cret-pass'));
  });
});

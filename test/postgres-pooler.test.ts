/**
 * PostgresStore behind PgBouncer in transaction mode, with fewer server connections than callers:
 * every lock is transaction-scoped, so the store works when consecutive transactions of one
 * client run on different server connections, and several replicas still refresh once.
 */
import assert from 'node:assert/strict';
import { after, describe, test, type TestContext } from 'node:test';
import { PostgresStore } from '../src/postgres/postgres-store.ts';
import { LockTimeoutError } from '../src/tokens/errors/lock-timeout-error.ts';
import { assertOneRefresh } from './fixtures/worker-race.ts';
import { startTestEmulator } from './helpers/emulator.ts';
import { pgbouncerSuite, startPgBouncer } from './helpers/pgbouncer.ts';
import { closeAdmin, postgresSuite, testSchema } from './helpers/postgres.ts';
import { record, storeContract, tick } from './helpers/store-contract.ts';

after(closeAdmin);

const suite = postgresSuite.skip ? postgresSuite : pgbouncerSuite;

/** A store through a PgBouncer of its own (2 server connections), on a fresh schema. */
async function pooledStore(t: TestContext, options: { url?: string; schema?: string; lockTimeoutMs?: number } = {}): Promise<{ store: PostgresStore; url: string; schema: string }> {
  const url = options.url ?? (await startPgBouncer(t));
  const schema = options.schema ?? (await testSchema(t));
  const store = new PostgresStore({ connectionString: url }, { schema, ...(options.lockTimeoutMs ? { lockTimeoutMs: options.lockTimeoutMs } : {}) });
  t.after(() => store.close());
  return { store, url, schema };
}

describe('PostgresStore behind PgBouncer (transaction pooling)', suite, () => {
  storeContract('PostgresStore via PgBouncer', async (t) => (await pooledStore(t)).store);

  test('a lock held by one store is seen by another through the pooler, and released with its transaction', async (t) => {
    const { store, url, schema } = await pooledStore(t, { lockTimeoutMs: 300 });
    const { store: other } = await pooledStore(t, { url, schema, lockTimeoutMs: 300 });
    await store.withLock('default', async (locked) => {
      await locked.set(record('a'));
      // The other store's wait runs on the pooler's other server connection.
      await assert.rejects(other.withLock('default', async () => {}), LockTimeoutError);
    });
    for (let i = 0; i < 5; i++) await tick();
    assert.deepEqual(await other.withLock('default', (locked) => locked.get()), record('a'));
  });

  test('4 processes x 5 callers on an expired token through the pooler: exactly one refresh reaches the emulator', async (t) => {
    const emu = await startTestEmulator(t);
    emu.rotateRefreshTokens = 'always';
    const { store, url, schema } = await pooledStore(t);
    await assertOneRefresh(t, emu, store, { store: `postgres:${url}#${schema}` }, { processes: 4, concurrency: 5 });
  });
});

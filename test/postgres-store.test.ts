/**
 * PostgresStore against a real PostgreSQL (test/helpers/postgres.ts), each test in a schema of its
 * own: the shared contract, locks across connections and processes (a holder killed with SIGKILL
 * included), migrations, corrupt rows, an unreachable and a read-only database.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, test, after, type TestContext } from 'node:test';
import { inspect } from 'node:util';
import pg from 'pg';
import { PostgresStore, type PostgresStoreOptions } from '../src/postgres/postgres-store.ts';
import { migrationLockName, takeAdvisoryLock } from '../src/postgres/postgres-lock.ts';
import { POSTGRES_SCHEMA_VERSION, postgresTables } from '../src/postgres/postgres-schema.ts';
import { EncryptionKeyMissingError } from '../src/tokens/errors/encryption-key-missing-error.ts';
import { CorruptRecordError } from '../src/tokens/errors/corrupt-record-error.ts';
import { LockTimeoutError } from '../src/tokens/errors/lock-timeout-error.ts';
import { StoreSchemaError } from '../src/tokens/errors/store-schema-error.ts';
import { StoreUnavailableError } from '../src/tokens/errors/store-unavailable-error.ts';
import type { TokenCipher } from '../src/tokens/token-cipher.ts';
import { spawnWorker } from './fixtures/spawn-worker.ts';
import { record, storeContract } from './helpers/store-contract.ts';
import { admin, assertPostgresReachable, closeAdmin, postgresSuite, TEST_DATABASE_URL, testSchema } from './helpers/postgres.ts';

after(closeAdmin);

/** A store on `schema`, closed when the test ends. */
function storeOn(t: TestContext, schema: string, options: PostgresStoreOptions & { url?: string } = {}): PostgresStore {
  const { url = TEST_DATABASE_URL, ...rest } = options;
  const store = new PostgresStore({ connectionString: url }, { schema, ...rest });
  t.after(() => store.close());
  return store;
}

/** The test database's URL with query parameters added (an application name, session settings). */
function urlWith(params: Record<string, string>, password?: string): string {
  const url = new URL(TEST_DATABASE_URL);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  if (password) url.password = password;
  return url.toString();
}

/** Polls PostgreSQL until `query` returns a row, at most `tries` times: a wait with a bound. */
async function waitForRow(query: string, values: unknown[], tries = 500): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (((await admin().query(query, values)).rowCount ?? 0) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no row after ${tries} tries: ${query}`);
}

/** An advisory lock that a session named `application` waits for (not yet granted). */
const WAITING_FOR_LOCK = `SELECT 1 FROM pg_locks l JOIN pg_stat_activity a USING (pid)
  WHERE l.locktype = 'advisory' AND NOT l.granted AND a.application_name = $1`;

/** A TCP port on 127.0.0.1 where nothing listens. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Asserts that nothing an error shows (message, JSON, inspected with its cause) contains `secret`. */
function assertHides(error: unknown, secret: string): void {
  for (const shown of [String(error), JSON.stringify(error), inspect(error, { depth: 5 })]) assert.equal(shown.includes(secret), false, shown);
}

if (process.env.CI) test('CI: PostgreSQL answers (the tests below need it)', () => assertPostgresReachable());

describe('PostgresStore', postgresSuite, () => {
  storeContract('PostgresStore', async (t) => storeOn(t, await testSchema(t)), {
    withCipher: async (t) => {
      const schema = await testSchema(t);
      return async (cipher) => storeOn(t, schema, { cipher });
    },
  });

  describe('rows', () => {
    test('a record round-trips exactly (ms of updatedAt, athlete, no token type) in columns a person can query', async (t) => {
      const schema = await testSchema(t);
      const store = storeOn(t, schema);
      const value = record('a', { updatedAt: 1_700_000_000_123 });
      delete value.tokens.tokenType;
      value.tokens.athlete = { id: 12345, firstname: 'Ada', city: null };
      await store.set('12345', value);
      assert.deepEqual(await store.get('12345'), value);
      const row = (
        await admin().query(
          `SELECT secrets, key_id, expires_at = to_timestamp(1800000000) AS expires, scopes, token_type, athlete->>'firstname' AS name FROM "${schema}".strava_auth_tokens`,
        )
      ).rows[0];
      assert.deepEqual(row, {
        secrets: JSON.stringify({ accessToken: 'access-a', refreshToken: 'refresh-a' }),
        key_id: null,
        expires: true,
        scopes: ['read', 'activity:read'],
        token_type: null,
        name: 'Ada',
      });
    });

    test('created_at stays at the first write; updated_at follows the record', async (t) => {
      const schema = await testSchema(t);
      const store = storeOn(t, schema);
      await store.set('default', record('a', { updatedAt: 1_000 }));
      const created = (await admin().query(`SELECT created_at FROM "${schema}".strava_auth_tokens`)).rows[0].created_at as Date;
      await admin().query(`UPDATE "${schema}".strava_auth_tokens SET created_at = created_at - interval '1 day'`);
      await store.set('default', record('b', { updatedAt: 2_000 }));
      const row = (await admin().query(`SELECT created_at, extract(epoch FROM updated_at)::float8 AS updated FROM "${schema}".strava_auth_tokens`)).rows[0];
      assert.equal(row.created_at.getTime(), created.getTime() - 86_400_000);
      assert.equal(row.updated, 2);
    });

    test('with a cipher, the secrets column holds sealed text and key_id names the key; without it, a typed error', async (t) => {
      // A stand-in cipher (the real one is AES-GCM): enough to see what the store hands it and keeps.
      const cipher: TokenCipher = {
        currentKeyId: 'k1',
        seal: async (plaintext, context) => `enc:v1:k1:${Buffer.from(`${context}|${plaintext}`).toString('base64')}`,
        open: async (sealed, context) => Buffer.from(sealed.split(':')[3]!, 'base64').toString().slice(context.length + 1),
      };
      const schema = await testSchema(t);
      await storeOn(t, schema, { cipher }).set('default', record('a'));
      const row = (await admin().query(`SELECT secrets, key_id FROM "${schema}".strava_auth_tokens`)).rows[0];
      assert.equal(row.key_id, 'k1');
      assert.match(row.secrets, /^enc:v1:k1:/);
      assert.deepEqual(await storeOn(t, schema, { cipher }).get('default'), record('a'));
      const error = await storeOn(t, schema).get('default').catch((e: unknown) => e);
      assert.ok(error instanceof EncryptionKeyMissingError);
      assert.equal(error.keyId, 'k1');
      assert.match(error.remedy, /STRAVA_AUTH_ENCRYPTION_KEY/);
    });

    const corruptions: Array<{ name: string; update: string; problem: string }> = [
      { name: 'secrets that are not JSON', update: `secrets = 'access-SECRET refresh-SECRET'`, problem: 'the tokens are neither JSON nor encrypted text' },
      { name: 'secrets without a refresh token', update: `secrets = '{"accessToken":"access-SECRET"}'`, problem: 'refreshToken is missing or empty' },
      { name: 'a scope Strava does not have', update: `scopes = '{read,SECRET}'`, problem: 'tokens.scopes[1] is not a Strava scope' },
      { name: 'an athlete that is a string', update: `athlete = '"SECRET"'`, problem: 'tokens.athlete must be an object with a numeric id' },
      { name: 'a token type other than Bearer', update: `token_type = 'SECRET'`, problem: 'tokens.tokenType must be "Bearer"' },
      { name: 'an invalid mark without its fields', update: `invalid = '{"reason":"SECRET"}'`, problem: 'invalid must hold reason (string), code (string) and at (number)' },
    ];
    for (const { name, update, problem } of corruptions) {
      test(`a corrupt row (${name}) is a CorruptRecordError naming the problem, never a value; a new login replaces it`, async (t) => {
        const schema = await testSchema(t);
        const store = storeOn(t, schema);
        await store.set('default', record('a'));
        await admin().query(`UPDATE "${schema}".strava_auth_tokens SET ${update}`);
        for (const read of [() => store.get('default'), () => store.withLock('default', (locked) => locked.get())]) {
          const error = await read().catch((e: unknown) => e);
          assert.ok(error instanceof CorruptRecordError, String(error));
          assert.equal(error.code, 'corrupt_record');
          assert.equal(error.key, 'default');
          assert.equal(error.problem, problem);
          assertHides(error, 'SECRET');
        }
        await store.set('default', record('login'));
        assert.deepEqual(await store.get('default'), record('login'));
      });
    }
  });

  describe('locks', () => {
    test('exclusive across connections: a second store waits, gives up with LockTimeoutError after its bound, and gets the lock once released', async (t) => {
      const schema = await testSchema(t);
      const holder = storeOn(t, schema, { url: urlWith({ application_name: 'billing-worker' }) });
      const other = storeOn(t, schema);
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let holding!: () => void;
      const held = new Promise<void>((resolve) => (holding = resolve));
      const holderDone = holder.withLock('default', async (locked) => {
        await locked.set(record('holder'));
        holding();
        await released;
      });
      await held;
      try {
        const error = await other.withLock('default', async () => 'entered', { timeoutMs: 200 }).catch((e: unknown) => e);
        assert.ok(error instanceof LockTimeoutError, String(error));
        assert.equal(error.code, 'lock_timeout');
        assert.equal(error.key, 'default');
        assert.match(
          error.message,
          /\(advisory lock in postgres:\/\/127\.0\.0\.1:5432\/test, table sa_test_\w+\.strava_auth_tokens; held by PostgreSQL backend \d+ \(client "billing-worker" at 127\.0\.0\.1\) in a transaction open for [\d.]+ s\)/,
        );
        assert.equal(await other.withLock('other', async () => 'other key'), 'other key', 'another key does not wait');
      } finally {
        release();
        await holderDone;
      }
      assert.equal(await other.withLock('default', async (locked) => (await locked.get())?.tokens.accessToken), 'access-holder');
    });

    test('a holder process killed with SIGKILL releases the lock: the waiting caller gets it at once, no timeout involved', async (t) => {
      const schema = await testSchema(t);
      const store = storeOn(t, schema, { url: urlWith({ application_name: `waiter_${schema}` }) });
      await store.set('default', record('before'));
      const worker = spawnWorker({
        mode: 'hold-lock',
        dir: '',
        key: 'default',
        baseUrl: 'http://127.0.0.1:1',
        clientId: 1,
        clientSecret: 'unused',
        nowMs: 0,
        store: `postgres:${TEST_DATABASE_URL}#${schema}`,
      });
      t.after(() => worker.child.kill('SIGKILL'));
      assert.equal(await worker.nextLine(), 'locked');
      // A minute: far longer than the test may take, so only the release can let the waiter in.
      const waiter = store.withLock('default', async (locked) => (await locked.get())?.tokens.accessToken, { timeoutMs: 60_000 });
      await waitForRow(WAITING_FOR_LOCK, [`waiter_${schema}`]);
      worker.child.kill('SIGKILL');
      await worker.exited;
      assert.equal(await waiter, 'access-before');
    });

    test('callers of one process queue in memory, bounded too: the same key inside withLock times out', async (t) => {
      const store = storeOn(t, await testSchema(t));
      const error = await store
        .withLock('default', () => store.withLock('default', async () => 'inner', { timeoutMs: 100 }))
        .catch((e: unknown) => e);
      assert.ok(error instanceof LockTimeoutError, String(error));
      assert.match(error.resource, /queued in this process$/);
    });

    test('concurrent first-time writes to a key with no row: exactly one caller finds it empty', async (t) => {
      const schema = await testSchema(t);
      const stores = Array.from({ length: 5 }, () => storeOn(t, schema));
      const sawEmpty = await Promise.all(
        stores.map((store, i) =>
          store.withLock('new-athlete', async (locked) => {
            const empty = (await locked.get()) === undefined;
            if (empty) await locked.set(record(`first-${i}`));
            return empty;
          }),
        ),
      );
      assert.equal(sawEmpty.filter(Boolean).length, 1);
      assert.match((await stores[0]!.get('new-athlete'))?.tokens.accessToken ?? '', /^access-first-\d$/);
    });

    test('a delete waits for the lock holder, then removes what it wrote', async (t) => {
      const schema = await testSchema(t);
      const holder = storeOn(t, schema);
      const deleter = storeOn(t, schema, { url: urlWith({ application_name: `deleter_${schema}` }) });
      await holder.set('default', record('old'));
      const order: string[] = [];
      let deleted: Promise<void> | undefined;
      await holder.withLock('default', async (locked) => {
        deleted = deleter.delete('default').then(() => void order.push('deleted'));
        await waitForRow(WAITING_FOR_LOCK, [`deleter_${schema}`]);
        await locked.set(record('refreshed'));
        order.push('refreshed');
      });
      await deleted;
      assert.deepEqual(order, ['refreshed', 'deleted']);
      assert.equal(await holder.get('default'), undefined);
      assert.deepEqual(await holder.keys(), []);
    });

    test('a write that fails inside the lock rolls back to its savepoint: the retry in the same lock succeeds and is committed', async (t) => {
      const schema = await testSchema(t);
      const store = storeOn(t, schema);
      await store.set('default', record('old'));
      // The first write after this fails (a sequence is not rolled back, so the second one passes).
      await admin().query(`CREATE SEQUENCE "${schema}".attempts;
        CREATE FUNCTION "${schema}".fail_first() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN IF nextval('"${schema}".attempts') = 1 THEN RAISE EXCEPTION 'injected write failure'; END IF; RETURN NEW; END $$;
        CREATE TRIGGER fail_first BEFORE INSERT ON "${schema}".strava_auth_tokens FOR EACH ROW EXECUTE FUNCTION "${schema}".fail_first();`);
      const failures: unknown[] = [];
      await store.withLock('default', async (locked) => {
        await locked.set(record('new')).catch((error: unknown) => failures.push(error));
        assert.equal((await locked.get())?.tokens.accessToken, 'access-old', 'the failed write left nothing behind');
        await locked.set(record('new'));
      });
      assert.equal(failures.length, 1);
      assert.ok(failures[0] instanceof StoreUnavailableError);
      assert.match(String(failures[0]), /PostgreSQL answered P0001: injected write failure/);
      assert.deepEqual(await store.get('default'), record('new'));
    });
  });

  describe('schema', () => {
    test('two stores migrating one fresh schema at once: both work, each migration applied once', async (t) => {
      const schema = await testSchema(t, { create: false });
      const stores = Array.from({ length: 3 }, () => storeOn(t, schema));
      await Promise.all(stores.map((store, i) => store.set(`key-${i}`, record(String(i)))));
      assert.deepEqual(await stores[0]!.keys(), ['key-0', 'key-1', 'key-2']);
      const versions = await admin().query(`SELECT version FROM "${schema}".strava_auth_tokens_version`);
      assert.deepEqual(
        versions.rows.map((row) => row.version),
        [POSTGRES_SCHEMA_VERSION],
      );
    });

    test('a migration another process holds for longer than the lock timeout: StoreUnavailableError, and a later call migrates', async (t) => {
      const schema = await testSchema(t, { create: false });
      const store = storeOn(t, schema, { lockTimeoutMs: 200 });
      const other = await admin().connect();
      try {
        await other.query('BEGIN');
        await takeAdvisoryLock(other, migrationLockName(postgresTables(schema, 'strava_auth_tokens')), 10_000);
        const error = await store.keys().catch((e: unknown) => e);
        assert.ok(error instanceof StoreUnavailableError, String(error));
        assert.match(error.message, /another process has been migrating its schema for over 0\.2 s/);
      } finally {
        await other.query('ROLLBACK');
        other.release();
      }
      assert.deepEqual(await store.keys(), []);
    });

    test('a schema from a newer strava-auth is a StoreSchemaError saying to upgrade, and is left alone', async (t) => {
      const schema = await testSchema(t);
      await storeOn(t, schema).set('default', record('a'));
      await admin().query(`INSERT INTO "${schema}".strava_auth_tokens_version (version, description) VALUES (99, 'from the future')`);
      const store = storeOn(t, schema);
      for (const call of [() => store.get('default'), () => store.set('default', record('b')), () => store.keys()]) {
        const error = await call().catch((e: unknown) => e);
        assert.ok(error instanceof StoreSchemaError, String(error));
        assert.equal(error.foundVersion, 99);
        assert.equal(error.supportedVersion, POSTGRES_SCHEMA_VERSION);
        assert.match(error.message, new RegExp(`schema is version 99, made by a newer strava-auth \\(this one knows up to version ${POSTGRES_SCHEMA_VERSION}\\)`));
        assert.match(error.remedy, /^Upgrade strava-auth/);
      }
      const rows = await admin().query(`SELECT count(*)::int AS n FROM "${schema}".strava_auth_tokens`);
      assert.equal(rows.rows[0].n, 1);
    });

    test('a table name of its own keeps two stores apart in one schema', async (t) => {
      const schema = await testSchema(t);
      await storeOn(t, schema).set('default', record('a'));
      const other = storeOn(t, schema, { tableName: 'other_tokens' });
      assert.equal(await other.get('default'), undefined);
      assert.throws(() => new PostgresStore({ connectionString: TEST_DATABASE_URL }, { tableName: 'Robert"; DROP TABLE x' }), TypeError);
    });
  });

  describe('an unusable database', () => {
    test('unreachable (a closed port): StoreUnavailableError with a remedy, and the password appears nowhere', async (t) => {
      const port = await closedPort();
      const store = storeOn(t, 'public', { url: `postgres://app:pw-SECRET-4711@127.0.0.1:${port}/app` });
      for (const call of [() => store.get('default'), () => store.set('default', record('a')), () => store.withLock('default', async () => {})]) {
        const error = await call().catch((e: unknown) => e);
        assert.ok(error instanceof StoreUnavailableError, String(error));
        assert.equal(error.code, 'store_unavailable');
        assert.equal(error.store, `postgres://127.0.0.1:${port}/app`);
        assert.match(error.message, /cannot be reached \(ECONNREFUSED\)/);
        assert.match(error.remedy, /Check that PostgreSQL is running/);
        assertHides(error, 'pw-SECRET-4711');
      }
      assert.equal(store.location, `postgres://127.0.0.1:${port}/app (table public.strava_auth_tokens)`);
    });

    test('read-only (default_transaction_read_only): reads work, writes are StoreUnavailableError, nothing is lost', async (t) => {
      const schema = await testSchema(t);
      await storeOn(t, schema).set('default', record('kept'));
      const readOnly = storeOn(t, schema, { url: urlWith({ options: '-c default_transaction_read_only=on' }, 'pw-SECRET-4711') });
      assert.deepEqual(await readOnly.get('default'), record('kept'));
      for (const call of [() => readOnly.set('default', record('lost')), () => readOnly.delete('default')]) {
        const error = await call().catch((e: unknown) => e);
        assert.ok(error instanceof StoreUnavailableError, String(error));
        assert.match(error.message, /the database is read-only/);
        assert.match(error.remedy, /primary \(writable\) server/);
        assertHides(error, 'pw-SECRET-4711');
      }
      assert.deepEqual(await storeOn(t, schema).get('default'), record('kept'));
    });
  });

  describe('pools', () => {
    test('a store given a pool uses it and never ends it', async (t) => {
      const schema = await testSchema(t);
      const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 3 });
      t.after(() => pool.end());
      const store = new PostgresStore({ pool }, { schema });
      await store.set('default', record('a'));
      await store.close();
      assert.equal((await pool.query(`SELECT count(*)::int AS n FROM "${schema}".strava_auth_tokens`)).rows[0].n, 1);
      assert.equal(store.location, `postgres://127.0.0.1:5432/test (table ${schema}.strava_auth_tokens)`);
    });

    test('close ends the pool the store made: its connections are gone', async (t) => {
      const schema = await testSchema(t);
      const application = `closing_${schema}`;
      const store = storeOn(t, schema, { url: urlWith({ application_name: application }) });
      await Promise.all([store.set('a', record('a')), store.set('b', record('b'))]);
      const connections = async () => (await admin().query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [application])).rows[0].n as number;
      assert.ok((await connections()) > 0);
      await store.close();
      // The server ends a backend just after its client said goodbye: polled, with a bound.
      await waitForRow('SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE application_name = $1)', [application]);
    });
  });
});

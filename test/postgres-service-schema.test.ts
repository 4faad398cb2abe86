/**
 * The service tables of PostgresServiceStore, made and migrated as PostgresStore's are: in the
 * schema it is given (created when missing, names quoted), under an advisory lock when replicas
 * open an empty schema together, a database made by the release before kept as it is, and a
 * schema from a newer release refused.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test, type TestContext } from 'node:test';
import pg from 'pg';
import { openServiceStores } from '../src/cli/commands/serve/open-service-stores.ts';
import { parseStoreSpec } from '../src/cli/store-spec.ts';
import { migrationLockName, takeAdvisoryLock } from '../src/postgres/postgres-lock.ts';
import { ensurePostgresSchema } from '../src/postgres/postgres-schema.ts';
import { POSTGRES_SERVICE_SCHEMA_VERSION, postgresServiceTables, serviceSchemaPlan } from '../src/postgres/postgres-service-schema.ts';
import { PostgresServiceStore, type PostgresServiceStoreOptions } from '../src/postgres/postgres-service-store.ts';
import { PostgresStore } from '../src/postgres/postgres-store.ts';
import { StoreSchemaError } from '../src/tokens/errors/store-schema-error.ts';
import { StoreUnavailableError } from '../src/tokens/errors/store-unavailable-error.ts';
import { admin, closeAdmin, postgresSuite, TEST_DATABASE_URL, testSchema } from './helpers/postgres.ts';

after(closeAdmin);

const SERVICE_TABLES = ['strava_auth_api_keys', 'strava_auth_athlete_status', 'strava_auth_pending_logins', 'strava_auth_service_version', 'strava_auth_webhook_events'];

function serviceStoreOn(t: TestContext, schema: string, options: PostgresServiceStoreOptions = {}, url = TEST_DATABASE_URL): PostgresServiceStore {
  const store = PostgresServiceStore.fromConnectionString(url, { schema, ...options });
  t.after(() => store.close());
  return store;
}

async function tablesIn(db: pg.Pool, schema: string): Promise<string[]> {
  const result = await db.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`, [schema]);
  return result.rows.map((row) => String(row.table_name));
}

async function versionRows(schema: string): Promise<Array<[number, string]>> {
  const result = await admin().query(`SELECT version, description FROM "${schema}".strava_auth_service_version ORDER BY version`);
  return result.rows.map((row) => [Number(row.version), String(row.description)]);
}

/** The columns of a table as `name type nullable default`, and its primary key. */
async function shape(schema: string, table: string): Promise<string[]> {
  const columns = await admin().query(
    `SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY column_name`,
    [schema, table],
  );
  const key = await admin().query(
    `SELECT string_agg(a.attname, ',') AS key FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
      WHERE i.indrelid = to_regclass($1) AND i.indisprimary`,
    [`"${schema}"."${table}"`],
  );
  return [...columns.rows.map((row) => `${row.column_name} ${row.data_type} ${row.is_nullable} ${row.column_default ?? ''}`), `primary key ${key.rows[0]?.key}`];
}

/** The tables exactly as the release before made them (in the connection's search_path), at version 1. */
async function createOldLayout(schema: string): Promise<void> {
  const client = await admin().connect();
  try {
    await client.query(`SET search_path = "${schema}"`);
    for (const statement of [
      `CREATE TABLE IF NOT EXISTS strava_auth_service_version (version integer NOT NULL)`,
      `CREATE TABLE IF NOT EXISTS strava_auth_pending_logins (
        state text PRIMARY KEY, scopes text[] NOT NULL, return_to text, created_at bigint NOT NULL, expires_at bigint NOT NULL)`,
      `CREATE TABLE IF NOT EXISTS strava_auth_api_keys (
        id text PRIMARY KEY, hash text NOT NULL UNIQUE, label text NOT NULL, created_at bigint NOT NULL)`,
      `CREATE TABLE IF NOT EXISTS strava_auth_athlete_status (
        athlete_id bigint PRIMARY KEY, status text NOT NULL, reason text NOT NULL, at bigint NOT NULL)`,
      `CREATE TABLE IF NOT EXISTS strava_auth_webhook_events (event_key text PRIMARY KEY, received_at bigint NOT NULL)`,
      `INSERT INTO strava_auth_service_version (version) VALUES (1)`,
      `INSERT INTO strava_auth_api_keys (id, hash, label, created_at) VALUES ('k1', 'h1', 'billing', 10)`,
      `INSERT INTO strava_auth_pending_logins (state, scopes, return_to, created_at, expires_at) VALUES ('s1', '{read}', NULL, 1000, 2000)`,
      `INSERT INTO strava_auth_athlete_status (athlete_id, status, reason, at) VALUES (7, 'revoked', 'webhook', 5)`,
    ]) {
      await client.query(statement);
    }
  } finally {
    client.release();
  }
}

/** A database of its own, dropped when the test ends: for a schema name that cannot be made unique. */
async function testDatabase(t: TestContext): Promise<string> {
  const name = `sa_test_db_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin().query(`CREATE DATABASE "${name}"`);
  t.after(() => admin().query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.href;
}

describe('PostgresServiceStore: its tables', postgresSuite, () => {
  test('a schema that does not exist yet: created, with the service tables and one version row', async (t) => {
    const schema = await testSchema(t, { create: false });
    const store = serviceStoreOn(t, schema);
    await store.open();
    assert.deepEqual(await tablesIn(admin(), schema), SERVICE_TABLES);
    assert.deepEqual(await versionRows(schema), [[1, 'service tables']]);
    await store.addApiKey({ id: 'k1', hash: 'h1', label: 'x', createdAt: 1 });
    assert.equal((await admin().query(`SELECT count(*)::int AS n FROM "${schema}".strava_auth_api_keys`)).rows[0].n, 1);
    assert.equal(POSTGRES_SERVICE_SCHEMA_VERSION, 1);
  });

  for (const [what, create] of [['a schema that does not exist', false], ['an empty schema', true]] as const) {
    test(`5 service stores and a token store opening ${what} at once: all open, one set of tables, each migration once`, async (t) => {
      const schema = await testSchema(t, { create });
      const tokens = new PostgresStore({ connectionString: TEST_DATABASE_URL }, { schema });
      t.after(() => tokens.close());
      const stores = Array.from({ length: 5 }, () => serviceStoreOn(t, schema));
      await Promise.all([tokens.open(), ...stores.map((store) => store.open())]);
      assert.deepEqual(await tablesIn(admin(), schema), [...SERVICE_TABLES, 'strava_auth_tokens', 'strava_auth_tokens_version'].sort());
      assert.deepEqual(await versionRows(schema), [[1, 'service tables']]);
      assert.deepEqual((await admin().query(`SELECT version FROM "${schema}".strava_auth_tokens_version`)).rows, [{ version: 1 }]);
      await stores[0]!.addApiKey({ id: 'k1', hash: 'h1', label: 'x', createdAt: 1 });
      for (const store of stores) assert.equal(await store.hasApiKeyHash('h1'), true);
    });
  }

  test('a database the release before made (version table of one column, at 1): used as it is, its rows kept', async (t) => {
    const schema = await testSchema(t);
    await createOldLayout(schema);
    const before = await shape(schema, 'strava_auth_service_version');
    const store = serviceStoreOn(t, schema);
    await store.open();
    assert.deepEqual((await store.listApiKeys()).map((key) => [key.id, key.label]), [['k1', 'billing']]);
    assert.equal(await store.hasApiKeyHash('h1'), true);
    assert.deepEqual(await store.takePendingLogin('s1'), { scopes: ['read'], createdAt: 1000, expiresAt: 2000 });
    assert.deepEqual(await store.getAthleteStatus(7), { status: 'revoked', reason: 'webhook', at: 5 });
    assert.equal(await store.recordEventOnce('e1', 3000), true);
    assert.deepEqual(await shape(schema, 'strava_auth_service_version'), before);
    assert.deepEqual((await admin().query(`SELECT version FROM "${schema}".strava_auth_service_version`)).rows, [{ version: 1 }]);
  });

  test('the release before\'s layout takes a later migration: its version table becomes the one a fresh schema has', async (t) => {
    const [old, fresh] = [await testSchema(t), await testSchema(t, { create: false })];
    await createOldLayout(old);
    await serviceStoreOn(t, fresh).open();
    const plan = serviceSchemaPlan(postgresServiceTables(old));
    const later = { version: 2, description: 'api key notes', statements: [`ALTER TABLE "${old}".strava_auth_api_keys ADD COLUMN note text`] };
    await ensurePostgresSchema(admin(), { ...plan, migrations: [...plan.migrations, later] }, { label: 'test', lockTimeoutMs: 10_000 });
    assert.deepEqual(await versionRows(old), [[1, 'service tables'], [2, 'api key notes']]);
    assert.deepEqual(await shape(old, 'strava_auth_service_version'), await shape(fresh, 'strava_auth_service_version'));
    assert.deepEqual((await admin().query(`SELECT id, note FROM "${old}".strava_auth_api_keys`)).rows, [{ id: 'k1', note: null }]);
  });

  test('service tables from a newer strava-auth: StoreSchemaError saying to upgrade every replica, tables left alone', async (t) => {
    for (const setUp of [
      async (schema: string) => {
        await serviceStoreOn(t, schema).addApiKey({ id: 'k1', hash: 'h1', label: 'billing', createdAt: 10 });
        await admin().query(`INSERT INTO "${schema}".strava_auth_service_version (version, description) VALUES (99, 'from the future')`);
      },
      async (schema: string) => {
        await createOldLayout(schema);
        await admin().query(`UPDATE "${schema}".strava_auth_service_version SET version = 99`);
      },
    ]) {
      const schema = await testSchema(t);
      await setUp(schema);
      const store = serviceStoreOn(t, schema);
      for (const call of [() => store.open(), () => store.hasApiKeyHash('h1')]) {
        const error = await call().catch((e: unknown) => e);
        assert.ok(error instanceof StoreSchemaError, String(error));
        assert.equal(error.foundVersion, 99);
        assert.equal(error.supportedVersion, POSTGRES_SERVICE_SCHEMA_VERSION);
        const { host, pathname } = new URL(TEST_DATABASE_URL);
        assert.equal(error.store, `postgres://${host}${pathname} (service tables in schema ${schema})`);
        assert.match(error.message, /its schema is version 99, made by a newer strava-auth \(this one knows up to version 1\)/);
        assert.match(error.remedy, /^Upgrade strava-auth \(npm install strava-auth@latest\) in every replica of strava-auth serve/);
      }
      assert.deepEqual((await admin().query(`SELECT id FROM "${schema}".strava_auth_api_keys`)).rows, [{ id: 'k1' }]);
    }
  });

  test('a migration another process holds past the lock timeout: StoreUnavailableError, and a later open migrates', async (t) => {
    const schema = await testSchema(t, { create: false });
    const store = serviceStoreOn(t, schema, { lockTimeoutMs: 200 });
    const other = await admin().connect();
    try {
      await other.query('BEGIN');
      await takeAdvisoryLock(other, migrationLockName(serviceSchemaPlan(postgresServiceTables(schema))), 10_000);
      const error = await store.open().catch((e: unknown) => e);
      assert.ok(error instanceof StoreUnavailableError, String(error));
      assert.match(error.message, new RegExp(`\\(service tables in schema ${schema}\\) is unavailable: another process has been migrating its schema for over 0\\.2 s`));
      assert.match(error.remedy, /^Wait for the other process/);
    } finally {
      await other.query('ROLLBACK');
      other.release();
    }
    await store.open();
    assert.deepEqual(await tablesIn(admin(), schema), SERVICE_TABLES);
  });

  test('serve --db postgres://...?schema=user (a name SQL must quote): both stores create and use it', async (t) => {
    const url = new URL(await testDatabase(t));
    url.searchParams.set('schema', 'user');
    const opened = await openServiceStores(parseStoreSpec(url.href, process.cwd()), { cipher: undefined, warn: () => {} });
    try {
      await opened.serviceStore.addApiKey({ id: 'k1', hash: 'h1', label: 'x', createdAt: 1 });
      assert.equal(await opened.serviceStore.hasApiKeyHash('h1'), true);
      assert.deepEqual(await opened.store.keys(), []);
    } finally {
      // Before the database is dropped (after the test), which would cut the stores' connections.
      await opened.close();
    }
    url.searchParams.delete('schema');
    const db = new pg.Pool({ connectionString: url.href, max: 1 });
    // db.end() can resolve before the server has let the connection go; dropping the database
    // then cuts it, which a pool without an error listener would throw.
    db.on('error', () => {});
    try {
      assert.deepEqual(await tablesIn(db, 'user'), [...SERVICE_TABLES, 'strava_auth_tokens', 'strava_auth_tokens_version'].sort());
      assert.deepEqual(await tablesIn(db, 'public'), []);
    } finally {
      await db.end();
    }
    assert.throws(() => PostgresServiceStore.fromConnectionString(TEST_DATABASE_URL, { schema: 'Robert"; DROP TABLE x' }), /PostgresServiceStore: schema must be a lowercase SQL identifier/);
  });
});

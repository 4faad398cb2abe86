/**
 * The token service on PostgreSQL, the multi-replica setup: two services on one database (a
 * schema of its own), a connect that starts on one and calls back on the other, one refresh for
 * concurrent requests spread over both, and a database that does not answer (503).
 */
import assert from 'node:assert/strict';
import { after, describe, test, type TestContext } from 'node:test';
import type { Emulator } from '../src/emulator/index.ts';
import { PostgresServiceStore } from '../src/postgres/postgres-service-store.ts';
import { PostgresStore } from '../src/postgres/postgres-store.ts';
import { openServiceStores } from '../src/cli/commands/serve/open-service-stores.ts';
import { parseStoreSpec } from '../src/cli/store-spec.ts';
import { startTestEmulator } from './helpers/emulator.ts';
import { admin, closeAdmin, postgresSuite, TEST_DATABASE_URL, testSchema } from './helpers/postgres.ts';
import { connectAthlete, serveStores } from './helpers/serve.ts';

after(() => closeAdmin());

/** A replica on `schema` of `databaseUrl`. */
async function replica(t: TestContext, emu: Emulator, schema: string, databaseUrl = TEST_DATABASE_URL) {
  const store = new PostgresStore({ connectionString: databaseUrl }, { schema });
  const serviceStore = PostgresServiceStore.fromConnectionString(databaseUrl, { schema });
  const served = await serveStores(t, emu, { store, serviceStore });
  t.after(async () => {
    await served.running.close(0);
    await store.close();
    await serviceStore.close();
  });
  return served;
}

describe('the token service on PostgreSQL', postgresSuite, () => {
  test('two replicas: a connect started on one calls back on the other; 2 x 20 expired requests, one refresh', async (t) => {
    const emu = await startTestEmulator(t);
    const schema = await testSchema(t);
    const [a, b] = [await replica(t, emu, schema), await replica(t, emu, schema)];
    const { response } = await connectAthlete(a.url, emu, { athleteId: 31, callbackOrigin: b.url });
    assert.equal(response.status, 200, await response.clone().text());
    const before = (await (await a.api('/v1/athletes/31/token')).json()).access_token;
    emu.resetStats();
    emu.clock.advance(7 * 3600);
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).api('/v1/athletes/31/token').then((r) => r.json())));
    const tokens = new Set(answers.map((answer: any) => answer.access_token));
    assert.equal(tokens.size, 1);
    assert.ok(!tokens.has(before));
    assert.equal(emu.stats().grants.refresh_token, 1);
    assert.equal(emu.stats().rejectedRefreshTokens, 0);
    // What one replica learns, the other knows within the cache time: a deauthorization on b is
    // a 410 on b at once, and on a once a's cached token is a second old.
    await b.service.athletes.revoked(31, 'deauthorized');
    assert.equal((await b.api('/v1/athletes/31/token')).status, 410);
    emu.clock.advance(1);
    assert.equal((await a.api('/v1/athletes/31/token')).status, 410);
  });

  test('a database that does not answer: 503 with Retry-After, /readyz 503, /healthz 200', async (t) => {
    const emu = await startTestEmulator(t);
    const svc = await replica(t, emu, 'public', 'postgres://postgres@127.0.0.1:1/test');
    const response = await svc.api('/v1/athletes/1/token');
    assert.equal(response.status, 503);
    assert.equal(response.headers.get('retry-after'), '5');
    assert.equal(((await response.json()) as any).error.code, 'store_unavailable');
    assert.equal((await fetch(`${svc.url}/readyz`)).status, 503);
    assert.equal((await fetch(`${svc.url}/healthz`)).status, 200);
  });

  test('serve --db postgres://...?schema=NAME for a schema that does not exist yet: the stores create it and work', async (t) => {
    const schema = await testSchema(t, { create: false });
    const url = new URL(TEST_DATABASE_URL);
    url.searchParams.set('schema', schema);
    const opened = await openServiceStores(parseStoreSpec(url.href, process.cwd()), { cipher: undefined, warn: () => {} });
    t.after(() => opened.close());
    assert.deepEqual(await opened.store.keys(), []);
    assert.equal(await opened.serviceStore.hasApiKeyHash('0'.repeat(64)), false);
    const made = await admin().query('SELECT to_regclass($1) IS NOT NULL AS service, to_regclass($2) IS NOT NULL AS tokens', [
      `"${schema}".strava_auth_api_keys`,
      `"${schema}".strava_auth_tokens`,
    ]);
    assert.deepEqual(made.rows, [{ service: true, tokens: true }]);
  });
});

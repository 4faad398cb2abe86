/**
 * TokenManager on a PostgresStore against the emulator: several processes (each its own pool, as
 * replicas of a service) on one schema refresh an expired token exactly once; a refresh token
 * Strava rejects is marked invalid for every replica.
 */
import assert from 'node:assert/strict';
import { describe, test, after, type TestContext } from 'node:test';
import { InvalidRefreshTokenError } from '../src/core/errors/invalid-refresh-token-error.ts';
import { refreshTokens } from '../src/core/token-endpoint.ts';
import { TokenSet } from '../src/core/token-set.ts';
import type { Emulator } from '../src/emulator/index.ts';
import { PostgresStore } from '../src/postgres/postgres-store.ts';
import { TokenManager } from '../src/tokens/token-manager.ts';
import { spawnWorker } from './fixtures/spawn-worker.ts';
import { HOUR, accessTokenWorks, mintRecord, oauthFor, refreshCounts } from './fixtures/token-env.ts';
import { startTestEmulator } from './helpers/emulator.ts';
import { closeAdmin, postgresSuite, TEST_DATABASE_URL, testSchema } from './helpers/postgres.ts';

after(closeAdmin);

const KEY = '12345';

function store(t: TestContext, schema: string): PostgresStore {
  const created = new PostgresStore({ connectionString: TEST_DATABASE_URL }, { schema });
  t.after(() => created.close());
  return created;
}

/** Starts `count` worker processes on the schema, releases them at one instant, collects what they got. */
async function raceProcesses(t: TestContext, emu: Emulator, schema: string, count: number, concurrency: number) {
  const spec = { mode: 'get' as const, dir: '', key: KEY, baseUrl: emu.url, clientId: emu.clientId, clientSecret: emu.clientSecret, nowMs: emu.clock.now() };
  const workers = Array.from({ length: count }, () => spawnWorker({ ...spec, concurrency, store: `postgres:${TEST_DATABASE_URL}#${schema}` }));
  t.after(() => workers.forEach((worker) => worker.child.kill('SIGKILL')));
  for (const worker of workers) assert.equal(await worker.nextLine(), 'ready');
  for (const worker of workers) worker.send('go');
  return Promise.all(workers.map(async (worker) => JSON.parse(await worker.nextLine()) as { tokens: string[]; errors: string[] }));
}

describe('several processes, one PostgreSQL schema', postgresSuite, () => {
  test('4 processes x 5 callers on an expired token: exactly one refresh reaches the emulator, all get the same valid token', async (t) => {
    const emu = await startTestEmulator(t);
    emu.rotateRefreshTokens = 'always';
    const schema = await testSchema(t);
    const shared = store(t, schema);
    await shared.set(KEY, mintRecord(emu));
    emu.clock.advance(6 * HOUR);
    emu.resetStats();
    const results = await raceProcesses(t, emu, schema, 4, 5);
    assert.deepEqual(
      results.map((r) => r.errors),
      [[], [], [], []],
    );
    const tokens = new Set(results.flatMap((r) => r.tokens));
    assert.equal(tokens.size, 1);
    assert.deepEqual(refreshCounts(emu), { refreshes: 1, rejected: 0 });
    const [token] = tokens;
    assert.equal(await accessTokenWorks(emu, token!), true);
    assert.equal((await shared.get(KEY))?.tokens.accessToken, token);
  });

  test('a refresh token Strava rejects is marked invalid once; another replica then fails at once without calling Strava', async (t) => {
    const emu = await startTestEmulator(t);
    const schema = await testSchema(t);
    const record = mintRecord(emu);
    await store(t, schema).set(KEY, record);
    emu.clock.advance(6 * HOUR);
    await refreshTokens(oauthFor(emu), TokenSet.fromData(record.tokens)); // behind the replicas' back: the stored token dies
    const [first, second] = [store(t, schema), store(t, schema)].map((s) => new TokenManager({ store: s, key: KEY, oauth: oauthFor(emu), clock: emu.clock }));

    await assert.rejects(first!.getAccessToken(), InvalidRefreshTokenError);
    const stored = await store(t, schema).get(KEY);
    assert.equal(stored?.invalid?.code, 'invalid_refresh_token');
    assert.deepEqual(stored?.tokens, record.tokens, 'the tokens are kept');
    const calls = emu.stats().calls['POST /oauth/token'];
    await assert.rejects(second!.getAccessToken(), InvalidRefreshTokenError);
    assert.equal(emu.stats().calls['POST /oauth/token'], calls);
    assert.equal(emu.stats().rejectedRefreshTokens, 1);
  });
});

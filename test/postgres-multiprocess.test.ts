/**
 * TokenManager on a PostgresStore against the emulator: several processes (each its own pool, as
 * replicas of a service) on one schema refresh an expired token exactly once; a refresh token
 * Strava rejects is marked invalid for every replica; a replica killed at any instant leaves no
 * lock and no torn row.
 */
import assert from 'node:assert/strict';
import { describe, test, after, type TestContext } from 'node:test';
import { InvalidRefreshTokenError } from '../src/core/errors/invalid-refresh-token-error.ts';
import { refreshTokens } from '../src/core/token-endpoint.ts';
import { TokenSet } from '../src/core/token-set.ts';
import { keyLockName, lockHolder } from '../src/postgres/postgres-lock.ts';
import { postgresTables } from '../src/postgres/postgres-schema.ts';
import { PostgresStore } from '../src/postgres/postgres-store.ts';
import { TokenManager } from '../src/tokens/token-manager.ts';
import { assertSurvivesKills } from './fixtures/kill-loop.ts';
import { assertOneRefresh, WORKER_KEY } from './fixtures/worker-race.ts';
import { HOUR, mintRecord, oauthFor } from './fixtures/token-env.ts';
import { startTestEmulator } from './helpers/emulator.ts';
import { admin, closeAdmin, postgresSuite, TEST_DATABASE_URL, testSchema } from './helpers/postgres.ts';

after(closeAdmin);

const KEY = WORKER_KEY;

function store(t: TestContext, schema: string): PostgresStore {
  const created = new PostgresStore({ connectionString: TEST_DATABASE_URL }, { schema });
  t.after(() => created.close());
  return created;
}

describe('several processes, one PostgreSQL schema', postgresSuite, () => {
  test('4 processes x 5 callers on an expired token: exactly one refresh reaches the emulator, all get the same valid token', async (t) => {
    const emu = await startTestEmulator(t);
    emu.rotateRefreshTokens = 'always';
    const schema = await testSchema(t);
    await assertOneRefresh(t, emu, store(t, schema), { store: `postgres:${TEST_DATABASE_URL}#${schema}` }, { processes: 4, concurrency: 5 });
  });

  test('SIGKILL at random instants of refresh-and-persist: the row is never torn, the lock dies with the session, at most one rotation is lost', async (t) => {
    const schema = await testSchema(t);
    const shared = store(t, schema);
    // A lock left behind would show as this key's advisory lock still granted after the child is gone.
    const lockHeld = async () => (await lockHolder(admin(), keyLockName(postgresTables(schema, 'strava_auth_tokens'), KEY))) !== '';
    await assertSurvivesKills(t, { store: shared, worker: { store: `postgres:${TEST_DATABASE_URL}#${schema}` }, iterations: 30, lockHeld });
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

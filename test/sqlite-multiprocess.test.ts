/**
 * Several processes with TokenManager on one SQLite file, against the emulator running in this
 * process: first writes to a fresh file (migrations racing), single-flight refreshes, an invalid
 * mark seen by every process, and SIGKILL at random instants of refresh-and-persist.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, test, type TestContext } from 'node:test';
import { InvalidRefreshTokenError } from '../src/core/errors/invalid-refresh-token-error.ts';
import { refreshTokens } from '../src/core/token-endpoint.ts';
import { TokenSet } from '../src/core/token-set.ts';
import type { Emulator } from '../src/emulator/index.ts';
import { LOCKS_TABLE, SCHEMA_TABLE, SQLITE_SCHEMA_VERSION } from '../src/sqlite/sqlite-schema.ts';
import { SqliteStore } from '../src/sqlite/sqlite-store.ts';
import { TokenManager } from '../src/tokens/token-manager.ts';
import { assertSurvivesKills } from './fixtures/kill-loop.ts';
import { HOUR, mintRecord, oauthFor, tempDir } from './fixtures/token-env.ts';
import type { WorkerConfig } from './fixtures/token-worker.ts';
import { assertOneRefresh, raceWorkers, workerConfig, WORKER_KEY } from './fixtures/worker-race.ts';
import { startTestEmulator } from './helpers/emulator.ts';
import { record } from './helpers/store-contract.ts';

const KEY = WORKER_KEY;

/** Races one worker per config on the SQLite file at `path`. */
function race(t: TestContext, emu: Emulator, path: string, configs: Array<Partial<WorkerConfig>>) {
  return raceWorkers(t, configs.map((extra) => workerConfig(emu, extra.mode ?? 'get', { store: `sqlite:${path}`, ...extra })));
}

async function storeAt(t: TestContext): Promise<{ store: SqliteStore; path: string }> {
  const path = join(await tempDir(t), 'tokens.db');
  const store = new SqliteStore({ path, warn: () => {} });
  t.after(() => store.close());
  return { store, path };
}

describe('several processes, one SQLite file', () => {
  test('first writes to a fresh file from 6 processes at once: the schema is made once, every write lands', async (t) => {
    const emu = await startTestEmulator(t);
    const path = join(await tempDir(t), 'fresh', 'tokens.db');
    const keys = ['a1', 'a2', 'a3', 'a4', KEY, KEY];
    const results = await race(t, emu, path, keys.map((key, i) => ({ mode: 'set', key, record: record(`${key}-${i}`) })));
    assert.deepEqual(results.map((r) => r.errors), keys.map(() => []));
    const store = new SqliteStore({ path, warn: () => {} });
    t.after(() => store.close());
    assert.deepEqual(await store.keys(), ['a1', 'a2', 'a3', 'a4', KEY]);
    const winner = (await store.get(KEY))?.tokens.accessToken ?? '';
    assert.ok(['access-default-4', 'access-default-5'].includes(winner), 'one of the two writes of the same key, whole');
    const db = new DatabaseSync(path);
    t.after(() => db.close());
    assert.deepEqual(db.prepare(`SELECT version FROM ${SCHEMA_TABLE}`).all().map((row) => row.version), [SQLITE_SCHEMA_VERSION]);
  });

  test('two processes refreshing an expired token at once: exactly one refresh reaches the emulator', async (t) => {
    const emu = await startTestEmulator(t);
    emu.rotateRefreshTokens = 'always';
    for (let round = 0; round < 3; round++) {
      const { store, path } = await storeAt(t);
      await assertOneRefresh(t, emu, store, { store: `sqlite:${path}` }, { processes: 2, concurrency: 1, message: `round ${round}` });
    }
  });

  test('4 processes x 10 concurrent callers on an expired token: one refresh in all', async (t) => {
    const emu = await startTestEmulator(t);
    const { store, path } = await storeAt(t);
    await assertOneRefresh(t, emu, store, { store: `sqlite:${path}` }, { processes: 4, concurrency: 10 });
  });

  test('SIGKILL at random instants of refresh-and-persist never leaves a torn store or a dead token it could have saved', async (t) => {
    const { store, path } = await storeAt(t);
    const lockHeld = async () => {
      const db = new DatabaseSync(path); // opened once the store made the file, so it keeps its mode
      try {
        return db.prepare(`SELECT 1 FROM ${LOCKS_TABLE} WHERE key = ?`).get(KEY) !== undefined;
      } finally {
        db.close();
      }
    };
    await assertSurvivesKills(t, { store, worker: { store: `sqlite:${path}` }, iterations: 30, lockHeld });
  });

  test('a refresh token Strava rejected: marked invalid in the file, and every process gets the error without calling Strava', async (t) => {
    const emu = await startTestEmulator(t);
    const { store, path } = await storeAt(t);
    const minted = mintRecord(emu);
    await store.set(KEY, minted);
    emu.clock.advance(6 * HOUR);
    await refreshTokens(oauthFor(emu), TokenSet.fromData(minted.tokens)); // another client rotates: the stored token dies
    const manager = new TokenManager({ store, key: KEY, oauth: oauthFor(emu) });
    await assert.rejects(manager.getAccessToken(), InvalidRefreshTokenError);
    const other = new SqliteStore({ path, warn: () => {} });
    t.after(() => other.close());
    const marked = await other.get(KEY);
    assert.deepEqual(marked?.tokens, minted.tokens, 'tokens kept');
    assert.equal(marked?.invalid?.code, 'invalid_refresh_token');
    const calls = emu.stats().calls['POST /oauth/token'];
    const results = await race(t, emu, path, [{}, {}]);
    for (const result of results) assert.match(result.errors.join(), /^InvalidRefreshTokenError: /);
    assert.equal(emu.stats().calls['POST /oauth/token'], calls, 'no process called Strava again');
    await store.set(KEY, mintRecord(emu)); // a new login clears the mark
    assert.equal((await store.get(KEY))?.invalid, undefined);
  });
});

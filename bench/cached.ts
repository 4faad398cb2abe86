/**
 * Cached-path bench: getAccessToken() calls per second when the stored token is fresh (no
 * refresh), per store (file, SQLite, PostgreSQL, memory), with encryption at rest off and on.
 * Every call reads the store (the store is the only cache, so a refresh or logout by another
 * process is seen at once); each figure is therefore the cost of one read of one record: a small
 * JSON file, a SQLite row, a PostgreSQL round trip. Encryption adds opening the sealed tokens (the
 * cipher remembers what it opened, so a record that has not changed skips WebCrypto).
 * PostgreSQL is `STRAVA_AUTH_TEST_DATABASE_URL` (default the local server's `test` database), in a
 * schema of its own dropped afterwards; it is skipped, saying why, when it does not answer.
 *
 * Run: ./node_modules/.bin/node bench/cached.ts [seconds per case]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AthleteSummary } from '../src/core/token-set.ts';
import { startEmulator } from '../src/emulator/index.ts';
import { FileStore } from '../src/node/file-store.ts';
import { PostgresStore } from '../src/postgres/postgres-store.ts';
import { SqliteStore } from '../src/sqlite/sqlite-store.ts';
import type { TokenCipher } from '../src/tokens/token-cipher.ts';
import { AesGcmCipher } from '../src/tokens/aes-gcm-cipher.ts';
import { MemoryStore } from '../src/tokens/memory-store.ts';
import { TokenManager, importableToData } from '../src/tokens/token-manager.ts';
import type { TokenStore } from '../src/tokens/token-store.ts';

const SECONDS = Number(process.argv[2] ?? 2);

interface Row {
  name: string;
  calls: number;
  ms: number;
}

/** Calls `fn` `parallel` at a time for `SECONDS`, after a warm-up; counts completed calls. */
async function measure(name: string, fn: () => Promise<unknown>, parallel: number): Promise<Row> {
  for (let i = 0; i < 2000; i++) await fn();
  let calls = 0;
  const start = performance.now();
  const deadline = start + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (performance.now() < deadline) {
        await fn();
        calls++;
      }
    }),
  );
  return { name, calls, ms: performance.now() - start };
}

const emu = await startEmulator();
const dir = await mkdtemp(join(tmpdir(), 'strava-auth-bench-'));
try {
  const response = emu.issueTokens({ scopes: ['activity:read_all'] });
  const tokens = importableToData({
    access_token: response.access_token,
    refresh_token: response.refresh_token,
    expires_at: response.expires_at,
    scope: 'read,activity:read_all',
    athlete: response.athlete as unknown as AthleteSummary, // a record as a login leaves it
  });
  const oauth = { clientId: emu.clientId, clientSecret: emu.clientSecret, baseUrl: emu.url, clock: emu.clock };
  const managerOver = async (store: TokenStore) => {
    await store.set('default', { tokens, updatedAt: Date.now() });
    return new TokenManager({ store, key: 'default', oauth });
  };
  const cipher = await AesGcmCipher.create({ key: globalThis.crypto.getRandomValues(new Uint8Array(32)) });
  const databaseUrl = process.env.STRAVA_AUTH_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `sa_bench_${process.pid}`;
  const closers: Array<() => Promise<void>> = [];
  const pgSchemas: string[] = [];
  const stores: Array<[string, (cipher: TokenCipher | undefined, n: number) => TokenStore]> = [
    ['FileStore', (cipher, n) => new FileStore({ dir: join(dir, `file-${n}`), warn: () => {}, cipher })],
    [
      'SqliteStore',
      (cipher, n) => {
        const store = new SqliteStore({ path: join(dir, `tokens-${n}.db`), warn: () => {}, cipher });
        closers.push(async () => store.close());
        return store;
      },
    ],
    [
      'PostgresStore',
      (cipher, n) => {
        pgSchemas.push(`${schema}_${n}`);
        const store = new PostgresStore({ connectionString: databaseUrl }, { schema: pgSchemas.at(-1), cipher });
        closers.push(async () => store.close());
        return store;
      },
    ],
  ];
  const rows: Row[] = [];
  const skipped: string[] = [];
  let n = 0;
  for (const [name, make] of stores) {
    for (const sealed of [false, true]) {
      const label = `${name}${sealed ? ' encrypted' : ''}`;
      let manager: TokenManager;
      try {
        manager = await managerOver(make(sealed ? cipher : undefined, n++));
      } catch (error) {
        skipped.push(`${label}: ${(error as Error).message}`);
        continue;
      }
      rows.push(await measure(`${label}, one caller at a time`, () => manager.getAccessToken(), 1));
      rows.push(await measure(`${label}, 50 concurrent callers`, () => manager.getAccessToken(), 50));
    }
  }
  const memory = await managerOver(new MemoryStore());
  rows.push(await measure('MemoryStore, one caller at a time', () => memory.getAccessToken(), 1));
  rows.push(await measure('MemoryStore, 50 concurrent callers', () => memory.getAccessToken(), 50));
  for (const close of closers) await close();
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin
    .connect()
    .then(async () => {
      for (const name of pgSchemas) await admin.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
    })
    .catch(() => {}); // PostgreSQL was not there: nothing to drop
  await admin.end().catch(() => {});
  const refreshes = emu.stats().grants.refresh_token;
  console.log(`Cached path: getAccessToken() with a fresh token, ${SECONDS} s per case (Node ${process.version})`);
  const width = Math.max(...rows.map((r) => r.name.length));
  console.log(`${''.padEnd(width)}  ${'calls/s'.padStart(10)}  ${'µs/call'.padStart(8)}`);
  for (const row of rows) {
    const perSecond = (row.calls / row.ms) * 1000;
    console.log(`${row.name.padEnd(width)}  ${Math.round(perSecond).toLocaleString('en-US').padStart(10)}  ${((row.ms * 1000) / row.calls).toFixed(1).padStart(8)}`);
  }
  for (const line of skipped) console.log(`skipped ${line}`);
  console.log(`Refreshes during the bench: ${refreshes} (expected 0)`);
} finally {
  await emu.close();
  await rm(dir, { recursive: true, force: true });
}

/**
 * Kill -9 bench: a replica refreshing one athlete in a loop is killed with SIGKILL at random
 * instants, again and again, on each shared store (SQLite file, PostgreSQL schema, and the file
 * store for comparison). After every kill the bench measures what the next caller meets:
 * - how long it waits to take the athlete's lock (a lock the dead replica held must never block
 *   it past the lock's expiry; SQLite and the file store see the holder's pid is gone at once,
 *   PostgreSQL ends the dead session's transaction and its lock with it);
 * - whether the row reads back whole (never half-written);
 * - whether it holds the newest refresh token Strava handed out, or the one before it (the window
 *   no client can close: Strava rotated and answered, and the process died before the write).
 *
 * Run: ./node_modules/.bin/node bench/store-kill.ts [kills per store]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmulator } from '../src/emulator/index.ts';
import { FileStore } from '../src/node/file-store.ts';
import { PostgresStore } from '../src/postgres/postgres-store.ts';
import { SqliteStore } from '../src/sqlite/sqlite-store.ts';
import type { TokenStore } from '../src/tokens/token-store.ts';
import { startFaultProxy } from '../test/fixtures/fault-proxy.ts';
import { GrantHistory, killMidRefresh } from '../test/fixtures/kill-loop.ts';
import type { WorkerConfig } from '../test/fixtures/token-worker.ts';

const KILLS = Number(process.argv[2] ?? 25);
const KEY = 'default';
const LOCK_TIMEOUT_MS = 35_000; // past every store's lock expiry (30 s): a wait this long would be a finding
const DATABASE_URL = process.env.STRAVA_AUTH_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface Row {
  name: string;
  kills: number;
  maxLockWaitMs: number;
  medianLockWaitMs: number;
  unreadable: number;
  newest: number;
  window: number;
  older: number;
}

const emu = await startEmulator();
emu.rotateRefreshTokens = 'always'; // every refresh rotates: every iteration has a window to hit
const proxy = await startFaultProxy(emu.url);
const dir = await mkdtemp(join(tmpdir(), 'strava-auth-bench-'));
const schema = `sa_bench_kill_${process.pid}`;

async function run(name: string, store: TokenStore, worker: Partial<WorkerConfig>): Promise<Row> {
  const row: Row = { name, kills: KILLS, maxLockWaitMs: 0, medianLockWaitMs: 0, unreadable: 0, newest: 0, window: 0, older: 0 };
  const waits: number[] = [];
  const history = new GrantHistory(emu, proxy, store, KEY);
  await history.seed();
  for (let i = 0; i < KILLS; i++) {
    const config: WorkerConfig = { mode: 'refresh-loop', dir: '', key: KEY, baseUrl: proxy.url, clientId: emu.clientId, clientSecret: emu.clientSecret, nowMs: emu.clock.now(), ...worker };
    await killMidRefresh(proxy, config);
    history.catchUp();

    const start = performance.now();
    let stored;
    try {
      stored = await store.withLock(KEY, (locked) => locked.get(), { timeoutMs: LOCK_TIMEOUT_MS });
    } catch {
      row.unreadable++; // a lock that never came, or a row that did not read back whole
      await history.seed();
      continue;
    } finally {
      waits.push(performance.now() - start);
    }
    const token = stored?.tokens.refreshToken;
    if (token === history.newest) row.newest++;
    else if (token === history.previous) row.window++;
    else row.older++;
    if (token !== history.newest) await history.seed(); // the athlete logs in again
  }
  waits.sort((a, b) => a - b);
  row.maxLockWaitMs = waits.at(-1) ?? 0;
  row.medianLockWaitMs = waits[Math.floor(waits.length / 2)] ?? 0;
  return row;
}

const rows: Row[] = [];
const skipped: string[] = [];
try {
  const dbPath = join(dir, 'tokens.db');
  const sqlite = new SqliteStore({ path: dbPath, warn: () => {} });
  rows.push(await run('SqliteStore', sqlite, { store: `sqlite:${dbPath}` }));
  sqlite.close();

  const admin = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 5000 });
  if (await admin.connect().then(() => true, (error: Error) => void skipped.push(`PostgresStore: PostgreSQL does not answer (${error.message})`))) {
    const postgres = new PostgresStore({ connectionString: DATABASE_URL }, { schema });
    try {
      rows.push(await run('PostgresStore', postgres, { store: `postgres:${DATABASE_URL}#${schema}` }));
    } finally {
      await postgres.close();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    }
  }
  const files = join(dir, 'files');
  rows.push(await run('FileStore', new FileStore({ dir: files, warn: () => {} }), { dir: files }));

  console.log(`Kill -9: a replica refreshing in a loop killed at random instants, ${KILLS} times per store (every refresh rotates)`);
  const header = ['', 'kills', 'next lock: median', 'max', 'unreadable rows', 'newest token kept', 'lost-rotation window', 'older'];
  const cells = rows.map((r) => [r.name, String(r.kills), `${r.medianLockWaitMs.toFixed(1)} ms`, `${r.maxLockWaitMs.toFixed(1)} ms`, String(r.unreadable), String(r.newest), String(r.window), String(r.older)]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  console.log([line(header), ...cells.map(line)].join('\n'));
  console.log('Lock expiry: 30 s (SQLite lock rows, file locks); PostgreSQL releases a dead session\'s lock itself.');
  for (const line of skipped) console.log(`skipped ${line}`);
} finally {
  await proxy.close();
  await emu.close();
  await rm(dir, { recursive: true, force: true });
}

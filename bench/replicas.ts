/**
 * Replicas bench: 8 processes x 50 concurrent callers over 200 athletes whose tokens have all
 * expired, against the emulator (Strava's rule: a refresh rotates the refresh token and the old
 * one is dead at once). Every process asks for every athlete's token.
 *
 * Side by side, from one run: the shared SqliteStore (one file) and PostgresStore (one schema),
 * each giving one refresh per athlete across all processes through its per-athlete lock, and the
 * baseline of an app without a shared lock, where each process keeps its own copy of the tokens
 * and refreshes on its own. Prints refreshes that reached the emulator, requests made with a dead
 * refresh token, calls left without a token, and the wall time from the start signal until every
 * process answered.
 *
 * PostgreSQL is `STRAVA_AUTH_TEST_DATABASE_URL` (default the local `test` database), in a schema
 * of its own dropped afterwards; skipped, saying why, when it does not answer.
 *
 * Run: ./node_modules/.bin/node bench/replicas.ts [processes] [callers] [athletes]
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { AthleteSummary } from '../src/core/token-set.ts';
import { startEmulator, type Emulator } from '../src/emulator/index.ts';
import { PostgresStore } from '../src/postgres/postgres-store.ts';
import { SqliteStore } from '../src/sqlite/sqlite-store.ts';
import { importableToData } from '../src/tokens/token-manager.ts';
import type { StoredTokens, TokenStore } from '../src/tokens/token-store.ts';
import type { ReplicaConfig } from './replicas-worker.ts';
import { runAtOnce } from './run-at-once.ts';

const PROCESSES = Number(process.argv[2] ?? 8);
const CALLERS = Number(process.argv[3] ?? 50);
const ATHLETES = Number(process.argv[4] ?? 200);
const WORKER = fileURLToPath(new URL('./replicas-worker.ts', import.meta.url));
const DATABASE_URL = process.env.STRAVA_AUTH_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface Row {
  name: string;
  refreshes: number;
  deadTokenRequests: number;
  failedCalls: number;
  wallMs: number;
  sampleError: string | undefined;
}

/** Fresh tokens for every athlete, as logins leave them. */
function mintAll(emu: Emulator): Record<string, StoredTokens> {
  const records: Record<string, StoredTokens> = {};
  for (let id = 1; id <= ATHLETES; id++) {
    const response = emu.issueTokens({ scopes: ['activity:read_all'], athleteId: id });
    const tokens = importableToData({
      access_token: response.access_token,
      refresh_token: response.refresh_token,
      expires_at: response.expires_at,
      scope: 'read,activity:read_all',
      athlete: response.athlete as unknown as AthleteSummary,
    });
    records[String(id)] = { tokens, updatedAt: emu.clock.now() };
  }
  return records;
}

async function scenario(emu: Emulator, name: string, spec: string, seed: (records: Record<string, StoredTokens>) => Promise<void>): Promise<Row> {
  await seed(mintAll(emu));
  emu.clock.advance(6 * 3600 + 60); // every stored access token has expired
  emu.resetStats();
  const athletes = Array.from({ length: ATHLETES }, (_, i) => i + 1);
  const config: ReplicaConfig = {
    store: spec,
    athletes,
    callers: CALLERS,
    emulatorUrl: emu.url,
    clientId: emu.clientId,
    clientSecret: emu.clientSecret,
    nowMs: emu.clock.now(),
  };
  const { results, wallMs } = await runAtOnce<{ ok: number; errors: string[] }>(WORKER, Array.from({ length: PROCESSES }, () => config));
  const stats = emu.stats();
  const errors = results.flatMap((r) => r.errors);
  return { name, refreshes: stats.grants.refresh_token, deadTokenRequests: stats.rejectedRefreshTokens, failedCalls: errors.length, wallMs, sampleError: errors[0] };
}

async function fill(store: TokenStore, records: Record<string, StoredTokens>): Promise<void> {
  for (const [key, value] of Object.entries(records)) await store.set(key, value);
}

function table(rows: Row[]): string {
  const header = ['', 'refreshes', 'dead-token requests', 'calls without a token', 'wall time'];
  const cells = rows.map((r) => [r.name, String(r.refreshes), String(r.deadTokenRequests), `${r.failedCalls} of ${PROCESSES * ATHLETES}`, `${Math.round(r.wallMs)} ms`]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(header), ...cells.map(line)].join('\n');
}

const emu = await startEmulator();
emu.rotateRefreshTokens = 'always';
const dir = await mkdtemp(join(tmpdir(), 'strava-auth-bench-'));
const schema = `sa_bench_replicas_${process.pid}`;
const rows: Row[] = [];
const skipped: string[] = [];
try {
  const path = join(dir, 'tokens.db');
  rows.push(
    await scenario(emu, 'SqliteStore (one file)', `sqlite:${path}`, async (records) => {
      const store = new SqliteStore({ path, warn: () => {} });
      await fill(store, records);
      store.close();
    }),
  );
  const admin = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 5000 });
  const reachable = await admin.connect().then(
    () => true,
    (error: Error) => void skipped.push(`PostgresStore: PostgreSQL does not answer (${error.message})`),
  );
  if (reachable) {
    try {
      rows.push(
        await scenario(emu, 'PostgresStore (one schema)', `postgres:${DATABASE_URL}#${schema}`, async (records) => {
          const store = new PostgresStore({ connectionString: DATABASE_URL }, { schema });
          await fill(store, records);
          await store.close();
        }),
      );
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    }
  }
  const seedFile = join(dir, 'seed.json');
  rows.push(await scenario(emu, 'baseline: each process refreshes on its own', `own:${seedFile}`, (records) => writeFile(seedFile, JSON.stringify(records))));
  console.log(`Replicas: ${PROCESSES} processes x ${CALLERS} concurrent callers over ${ATHLETES} athletes whose tokens expired (emulator at ${emu.url}, every refresh rotates)`);
  console.log(table(rows));
  for (const line of skipped) console.log(`skipped ${line}`);
  for (const row of rows) if (row.sampleError) console.log(`A failed call, ${row.name}: ${row.sampleError.slice(0, 300)}`);
} finally {
  await emu.close();
  await rm(dir, { recursive: true, force: true });
}

/**
 * Contention bench: 16 processes x 50 concurrent getAccessToken() calls on an expired token,
 * against the emulator (Strava's rule: an expired access token is renewed and the refresh token
 * rotated, the old one dead at once).
 *
 * Compares strava-auth (TokenManager over a shared FileStore) with what strava-v3 and stravalib
 * users write (each caller refreshes on its own with the token it read and saves the answer; run
 * with the real strava-v3 package). Prints, from one run: refreshes the emulator granted,
 * requests made with a dead refresh token, callers left without a token, distinct access tokens
 * handed out, and the wall time from the start signal until every process answered.
 *
 * Run: ./node_modules/.bin/node bench/contention.ts [processes] [callers]
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator, type Emulator } from '../src/emulator/index.ts';
import { FileStore } from '../src/node/file-store.ts';
import { importableToData } from '../src/tokens/token-manager.ts';
import type { ContentionWorkerConfig } from './contention-worker.ts';
import { runAtOnce } from './run-at-once.ts';

const PROCESSES = Number(process.argv[2] ?? 16);
const CALLERS = Number(process.argv[3] ?? 50);
const WORKER = fileURLToPath(new URL('./contention-worker.ts', import.meta.url));

interface WorkerResult {
  ok: number;
  tokens: string[];
  errors: string[];
}

interface Row {
  name: string;
  refreshes: number;
  deadTokenRequests: number;
  failedCallers: number;
  distinctTokens: number;
  wallMs: number;
  sampleError: string | undefined;
}

async function scenario(emu: Emulator, name: string, mode: ContentionWorkerConfig['mode'], prepare: (dir: string) => Promise<string>): Promise<Row> {
  const dir = await mkdtemp(join(tmpdir(), 'strava-auth-bench-'));
  try {
    const path = await prepare(dir);
    emu.clock.advance(6 * 3600 + 60); // the stored access token has expired
    emu.resetStats();
    const config: ContentionWorkerConfig = {
      mode,
      path,
      callers: CALLERS,
      emulatorUrl: emu.url,
      clientId: emu.clientId,
      clientSecret: emu.clientSecret,
      nowMs: emu.clock.now(),
    };
    const { results, wallMs } = await runAtOnce<WorkerResult>(WORKER, Array.from({ length: PROCESSES }, () => config));
    const stats = emu.stats();
    return {
      name,
      refreshes: stats.grants.refresh_token,
      deadTokenRequests: stats.rejectedRefreshTokens,
      failedCallers: results.reduce((sum, r) => sum + r.errors.length, 0),
      distinctTokens: new Set(results.flatMap((r) => r.tokens)).size,
      wallMs,
      sampleError: results.flatMap((r) => r.errors)[0],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function table(rows: Row[]): string {
  const header = ['', 'refreshes', 'dead-token requests', 'callers without a token', 'distinct tokens', 'wall time'];
  const cells = rows.map((r) => [r.name, String(r.refreshes), String(r.deadTokenRequests), `${r.failedCallers} of ${PROCESSES * CALLERS}`, String(r.distinctTokens), `${Math.round(r.wallMs)} ms`]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(header), ...cells.map(line)].join('\n');
}

const emu = await startEmulator();
try {
  const mint = () => emu.issueTokens({ scopes: ['activity:read_all'] });
  const stravaAuth = await scenario(emu, 'strava-auth (TokenManager + FileStore)', 'strava-auth', async (dir) => {
    const response = mint();
    const tokens = importableToData({ access_token: response.access_token, refresh_token: response.refresh_token, expires_at: response.expires_at, scope: 'read,activity:read_all' });
    await new FileStore({ dir, warn: () => {} }).set('default', { tokens, updatedAt: Date.now() });
    return dir;
  });
  const eachCaller = await scenario(emu, 'each caller refreshes (strava-v3)', 'each-caller', async (dir) => {
    const response = mint();
    const path = join(dir, 'tokens.json');
    await writeFile(path, JSON.stringify({ access_token: response.access_token, refresh_token: response.refresh_token, expires_at: response.expires_at }));
    return path;
  });
  console.log(`Contention: ${PROCESSES} processes x ${CALLERS} concurrent getAccessToken() on an expired token, emulator at ${emu.url}`);
  console.log(table([stravaAuth, eachCaller]));
  if (eachCaller.sampleError) console.log(`\nA caller's error without strava-auth: ${eachCaller.sampleError}`);
  if (stravaAuth.sampleError) console.log(`A caller's error with strava-auth: ${stravaAuth.sampleError}`);
} finally {
  await emu.close();
}

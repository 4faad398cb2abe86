/**
 * How each command that talks to Strava gives up on a hostile network, with the default limits
 * (30 s a request, 60 s of retries, 8 MiB a body): time to exit and the child's peak memory,
 * against a server that never answers (`silent`) and one whose body never ends (`endless`).
 *
 *   node bench/hostile.ts                (after npm run build)
 *   BENCH_BASELINE_BIN=/path/to/older/bin/strava-auth.js node bench/hostile.ts
 *
 * With BENCH_BASELINE_BIN, an older build runs the same cases next to this one, under a watchdog
 * (killed after BENCH_WATCHDOG_S seconds, default 90, or past BENCH_RSS_LIMIT_MB resident, default
 * 512, read from /proc), so a build without limits cannot hang the bench or eat the machine.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_REQUEST_TIMEOUT_MS } from '../src/core/request-limits.ts';
import { DEFAULT_RETRY_BUDGET_MS } from '../src/core/retry.ts';
import { FileStore } from '../src/node/file-store.ts';
import { startHostileServer, type HostileMode } from '../test/fixtures/hostile-server.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'strava-auth.js');
const preload = join(root, 'bench', 'max-rss.ts');
const baselineBin = process.env.BENCH_BASELINE_BIN;
const watchdogMs = Number(process.env.BENCH_WATCHDOG_S ?? 90) * 1000;
const rssLimitKb = Number(process.env.BENCH_RSS_LIMIT_MB ?? 512) * 1024;

interface Case {
  name: string;
  args: string[];
  /** Seconds until the stored access token expires; undefined: nothing stored. */
  expiresIn?: number;
}

const CASES: Case[] = [
  { name: 'api /athlete', args: ['api', '/athlete'], expiresIn: 6 * 3600 },
  { name: 'token (expired)', args: ['token'], expiresIn: -60 },
  { name: 'refresh', args: ['refresh'], expiresIn: 6 * 3600 },
  { name: 'logout', args: ['logout'], expiresIn: 6 * 3600 },
  { name: 'exchange CODE', args: ['exchange', 'abcdef123456', '--scope', 'read'] },
  { name: 'login --no-browser', args: ['login', '--no-browser'] },
  { name: 'url --redirect-uri', args: ['url', '--redirect-uri', 'http://localhost:8080/callback'] },
];

interface Measurement {
  ms: number;
  exit: string;
  maxRssMb: number | undefined;
  /** Bytes the endless server got to send. */
  sentMb: number;
}

/** Resident set of `pid` in kB from /proc (Linux), or undefined. */
function residentKb(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

async function measure(cliBin: string, mode: HostileMode, c: Case, guarded: boolean): Promise<Measurement> {
  const server = await startHostileServer({ mode });
  const home = mkdtempSync(join(tmpdir(), 'strava-auth-bench-hostile-'));
  const rssFile = join(home, 'max-rss');
  try {
    if (c.expiresIn !== undefined) {
      await new FileStore({ dir: join(home, 'config', 'strava-auth', 'tokens') }).set('default', {
        tokens: { accessToken: 'bench-access-token', refreshToken: 'bench-refresh-token', expiresAt: Math.floor(Date.now() / 1000) + c.expiresIn, scopes: ['read'] },
        updatedAt: Date.now(),
      });
    }
    const env = {
      PATH: process.env.PATH,
      HOME: home,
      XDG_CONFIG_HOME: join(home, 'config'),
      BROWSER: 'false',
      STRAVA_BASE_URL: server.url,
      STRAVA_CLIENT_ID: '4242',
      STRAVA_CLIENT_SECRET: 'bench-client-secret',
      BENCH_MAX_RSS_FILE: rssFile,
    };
    const start = performance.now();
    const child = spawn(process.execPath, ['--import', preload, cliBin, ...c.args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.resume();
    let killedFor: string | undefined;
    let peakKb = 0;
    const watch = setInterval(() => {
      const kb = residentKb(child.pid!);
      if (kb !== undefined) peakKb = Math.max(peakKb, kb);
      if (!guarded || killedFor) return;
      if (kb !== undefined && kb > rssLimitKb) killedFor = `killed > ${rssLimitKb / 1024} MB`;
      else if (performance.now() - start > watchdogMs) killedFor = `killed > ${watchdogMs / 1000} s`;
      if (killedFor) child.kill('SIGKILL');
    }, 50);
    const code = await new Promise<number | null>((resolve) => child.on('close', (status) => resolve(status)));
    clearInterval(watch);
    const ms = performance.now() - start;
    let maxRssKb: number | undefined;
    try {
      maxRssKb = Number(readFileSync(rssFile, 'utf8'));
    } catch {
      maxRssKb = peakKb || undefined; // killed: the exit hook never ran; the last look at /proc
    }
    return { ms, exit: killedFor ?? `exit ${code}`, maxRssMb: maxRssKb === undefined ? undefined : maxRssKb / 1024, sentMb: server.bytesSent / (1024 * 1024) };
  } finally {
    await server.close();
    rmSync(home, { recursive: true, force: true });
  }
}

function row(cells: string[], widths: number[]): string {
  return `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(' | ')} |`;
}

function cells(m: Measurement | undefined): string[] {
  if (!m) return [];
  const rss = m.maxRssMb === undefined ? '?' : m.maxRssMb.toFixed(0);
  return [(m.ms / 1000).toFixed(1), m.exit, rss, m.sentMb.toFixed(1)];
}

async function main(): Promise<void> {
  console.log(`Hostile networks, default limits: ${DEFAULT_REQUEST_TIMEOUT_MS / 1000} s a request, ${DEFAULT_RETRY_BUDGET_MS / 1000} s for a call with its retries, ${DEFAULT_MAX_RESPONSE_BYTES / (1024 * 1024)} MiB a body. Node ${process.version}.`);
  if (baselineBin) console.log(`Baseline: ${baselineBin} (watchdog ${watchdogMs / 1000} s, ${rssLimitKb / 1024} MB).`);
  else console.log('No baseline (set BENCH_BASELINE_BIN to an older build to compare).');
  const header = ['command', 's', 'exit', 'max RSS MB', 'sent MB', ...(baselineBin ? ['base s', 'base exit', 'base RSS MB', 'base sent MB'] : [])];
  const widths = header.map((h, i) => Math.max(h.length, i === 0 ? 20 : i % 4 === 2 ? 16 : 6));
  for (const mode of ['silent', 'endless'] as const) {
    // Silent cases only wait, so they run side by side; an endless body costs CPU, so one at a time,
    // and a baseline without a cap must not balloon in several children at once.
    const parallel = mode === 'silent';
    const results: Array<[Measurement, Measurement | undefined]> = [];
    if (parallel) {
      results.push(
        ...(await Promise.all(
          CASES.map(async (c) => Promise.all([measure(bin, mode, c, false), baselineBin ? measure(baselineBin, mode, c, true) : undefined])),
        )),
      );
    } else {
      for (const c of CASES) results.push([await measure(bin, mode, c, false), baselineBin ? await measure(baselineBin, mode, c, true) : undefined]);
    }
    console.log(`\n${mode} server (${mode === 'silent' ? 'accepts, never answers' : '200, a JSON body that never ends'})\n`);
    console.log(row(header, widths));
    console.log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
    CASES.forEach((c, i) => console.log(row([c.name, ...cells(results[i]![0]), ...cells(results[i]![1])], widths)));
  }
}

await main();

/**
 * Bench: fetch all of an athlete's activities (2,000 by default) from the emulator with 50 ms of
 * injected latency on every API request: strava-auth's paginator (one page at a time, four in
 * flight, and `concurrency: 'auto'`, which gallops to the end of the list) against `strava-v3`
 * used the way its README shows (`strava.athlete.listActivities({ access_token, page, per_page })`,
 * called page after page), in the same run. Reports wall time, the requests the emulator
 * received and the share of the 15-minute read budget (Strava's default 100) they used.
 *
 * Two tokens: with `activity:read_all` every activity is listed; with `activity:read` the Only
 * You ones are cut from each page after paging (protocol section 7), so pages come back short
 * while more follow. That second block shows what a loop that stops at the first short page
 * misses.
 *
 * Run: ./node_modules/.bin/node bench/paginate.ts [--activities 2000] [--latency 50] [--repetitions 5]
 */
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { StravaClient } from '../src/client/strava-client.ts';
import { startEmulator, type Emulator } from '../src/emulator/index.ts';
import { MemoryStore } from '../src/tokens/memory-store.ts';
import { TokenManager } from '../src/tokens/token-manager.ts';

/** One measured way of fetching the list. */
export interface PaginateBenchRow {
  client: string;
  loop: string;
  scope: 'activity:read_all' | 'activity:read';
  /** Activities the loop returned. */
  activities: number;
  /** Activities the token may see: what a correct loop returns. */
  visible: number;
  /** Requests the emulator received (per repetition; the same every time unless shown as a range). */
  requests: string;
  /** The 15-minute read budget those requests used, e.g. `16 of 100`. */
  readBudget: string;
  /** Median wall time of the repetitions, ms. */
  wallMs: number;
}

/** Bench settings. */
export interface PaginateBenchOptions {
  activities?: number;
  latencyMs?: number;
  repetitions?: number;
}

type Fetcher = (emu: Emulator, token: Token) => Promise<number>;

interface Token {
  scope: PaginateBenchRow['scope'];
  manager: TokenManager;
  accessToken: string;
}

const STRAVA_ORIGIN = 'https://www.strava.com';
const PER_PAGE = 200;

/** strava-v3 is CommonJS with one shared axios instance; an interceptor sends its requests to the emulator. */
function loadStravaV3(emu: Emulator) {
  const require = createRequire(import.meta.url);
  const strava = require('strava-v3') as { athlete: { listActivities(args: Record<string, unknown>): Promise<unknown[]> } };
  const { axiosInstance } = require('strava-v3/axiosUtility.js') as {
    axiosInstance: { interceptors: { request: { use(f: (c: { url?: string; baseURL?: string; proxy?: unknown }) => unknown): number; eject(id: number): void } } };
  };
  const id = axiosInstance.interceptors.request.use((config) => {
    const full = new URL(config.url ?? '', config.baseURL);
    if (full.origin === STRAVA_ORIGIN) {
      config.url = `${emu.url}${full.pathname}${full.search}`;
      config.proxy = false; // a developer's HTTP(S)_PROXY must not catch 127.0.0.1
    }
    return config;
  });
  return { strava, unload: () => axiosInstance.interceptors.request.eject(id) };
}

function ours(concurrency: number | 'auto'): Fetcher {
  return async (emu, token) => {
    const client = new StravaClient({ tokens: token.manager, apiBaseUrl: `${emu.url}/api/v3`, clock: emu.clock });
    let count = 0;
    for await (const _ of client.allActivities({}, { perPage: PER_PAGE, concurrency })) count++;
    return count;
  };
}

function stravaV3(stopAtShortPage: boolean): Fetcher {
  return async (emu, token) => {
    const { strava, unload } = loadStravaV3(emu);
    try {
      let count = 0;
      for (let page = 1; ; page++) {
        const activities = await strava.athlete.listActivities({ access_token: token.accessToken, page, per_page: PER_PAGE });
        count += activities.length;
        if (activities.length === 0 || (stopAtShortPage && activities.length < PER_PAGE)) return count;
      }
    } finally {
      unload();
    }
  };
}

const CONTESTANTS: Array<{ client: string; loop: string; fetch: Fetcher }> = [
  { client: 'strava-auth', loop: 'paginate(), concurrency 1', fetch: ours(1) },
  { client: 'strava-auth', loop: 'paginate(), concurrency 4', fetch: ours(4) },
  { client: 'strava-auth', loop: "paginate(), concurrency 'auto' (16 at once)", fetch: ours('auto') },
  { client: 'strava-v3', loop: 'listActivities, page++ until an empty page', fetch: stravaV3(false) },
  { client: 'strava-v3', loop: 'listActivities, page++ until a short page', fetch: stravaV3(true) },
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Runs every contestant with both tokens and returns the table's rows. */
export async function runPaginateBench(options: PaginateBenchOptions = {}): Promise<PaginateBenchRow[]> {
  const activities = options.activities ?? 2000;
  const latencyMs = options.latencyMs ?? 50;
  const repetitions = options.repetitions ?? 5;
  const emu = await startEmulator();
  try {
    emu.seedActivities(1, activities);
    const tokens: Token[] = [];
    for (const scope of ['activity:read_all', 'activity:read'] as const) {
      const issued = emu.issueTokens({ athleteId: 1, scopes: [scope] });
      const manager = await TokenManager.fromTokens({
        oauth: { clientId: emu.clientId, clientSecret: emu.clientSecret, baseUrl: emu.url, clock: emu.clock },
        tokens: { access_token: issued.access_token, refresh_token: issued.refresh_token, expires_at: issued.expires_at, scope: ['read', scope] },
        store: new MemoryStore(),
      });
      tokens.push({ scope, manager, accessToken: issued.access_token });
    }
    const all = emu.activitiesOf(1);
    const visible = { 'activity:read_all': all.length, 'activity:read': all.filter((a) => a.visibility !== 'only_me').length };

    // One untimed round first, so module loading and JIT warm-up do not count against the first contestant.
    for (const contestant of CONTESTANTS) await contestant.fetch(emu, tokens[0]!);
    emu.faults.set({ latencyMs });

    const rows: PaginateBenchRow[] = [];
    for (const token of tokens) {
      for (const contestant of CONTESTANTS) {
        const times: number[] = [];
        const requests = new Set<number>();
        const budget = new Set<number>();
        let fetched = 0;
        for (let i = 0; i < repetitions; i++) {
          emu.resetStats();
          emu.resetRateLimitUsage(); // each run starts with a fresh budget, as a separate app would
          const started = performance.now();
          fetched = await contestant.fetch(emu, token);
          times.push(performance.now() - started);
          requests.add(emu.stats().calls['GET /api/v3/athlete/activities'] ?? 0);
          budget.add(emu.rateLimitUsage().read[0]);
        }
        const range = (values: Set<number>) => {
          const sorted = [...values].sort((a, b) => a - b);
          return sorted.length === 1 ? String(sorted[0]) : `${sorted[0]}-${sorted.at(-1)}`;
        };
        rows.push({
          client: contestant.client,
          loop: contestant.loop,
          scope: token.scope,
          activities: fetched,
          visible: visible[token.scope],
          requests: range(requests),
          readBudget: `${range(budget)} of ${emu.rateLimits.read[0]}`,
          wallMs: Math.round(median(times)),
        });
      }
    }
    return rows;
  } finally {
    await emu.close();
  }
}

/** The rows as a plain-text table. */
export function formatPaginateBench(rows: PaginateBenchRow[], options: Required<PaginateBenchOptions>): string {
  const header = ['client', 'loop', 'token scope', 'activities', 'requests', 'read budget (15 min)', 'wall ms', 'vs strava-v3'];
  const body = rows.map((r) => {
    const v3 = rows.find((o) => o.scope === r.scope && o.client === 'strava-v3')!;
    const speedup = `${(v3.wallMs / r.wallMs).toFixed(1)}x`;
    return [r.client, r.loop, r.scope, `${r.activities} of ${r.visible}`, r.requests, r.readBudget, String(r.wallMs), speedup];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i >= 3 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ');
  return [
    `Fetching all activities of one athlete (${options.activities} seeded) from the emulator, ${options.latencyMs} ms latency per request, per_page ${PER_PAGE}, median of ${options.repetitions}:`,
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { activities: { type: 'string' }, latency: { type: 'string' }, repetitions: { type: 'string' } } });
  const options = {
    activities: Number(values.activities ?? 2000),
    latencyMs: Number(values.latency ?? 50),
    repetitions: Number(values.repetitions ?? 5),
  };
  const rows = await runPaginateBench(options);
  process.stdout.write(`${formatPaginateBench(rows, options)}\n`);
}

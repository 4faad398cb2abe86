/**
 * Token API throughput: cached `GET /v1/athletes/{id}/token` (a token far from expiry: an API key
 * check, the token, a JSON answer, a metric and a log line; no refresh) against `strava-auth
 * serve` on SQLite and on PostgreSQL, beside a bare node:http server answering a constant JSON
 * body of the same size, measured in the same run with autocannon. The requests go round ATHLETES
 * connected athletes, so each athlete's token is read from the database once per --cache-ms
 * (1000 ms by default); the `--cache-ms 0` rows read the key and the token from the database on
 * every request. Each server is its own process (the real CLI for the service), so the load
 * generator never shares its event loop. The servers take turns, ROUNDS rounds of SECONDS each
 * (the machine is shared: load from elsewhere then falls on every server alike), and each one's
 * median round is reported: requests/s, p50 and p99 latency, and the ratio to the bare server
 * (the goal is at least 0.6x).
 *
 * PostgreSQL is `STRAVA_AUTH_TEST_DATABASE_URL` (default the local `test` database), in a schema
 * of its own dropped afterwards; skipped, saying why, when it does not answer.
 *
 * Run: ./node_modules/.bin/node bench/serve-throughput.ts [seconds] [connections] [rounds] [athletes]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { startEmulator, type Emulator } from '../src/emulator/index.ts';
import { connectAthlete } from '../test/helpers/serve.ts';
import { API_KEY, postgresReason, spawnServe, spawnServer, stop, DATABASE_URL, type Child } from './serve-processes.ts';

const SECONDS = Number(process.argv[2] ?? 5);
const CONNECTIONS = Number(process.argv[3] ?? 50);
const ROUNDS = Number(process.argv[4] ?? 3);
const ATHLETES = Number(process.argv[5] ?? 100);

/** A bare node:http server answering `body` to everything: the ceiling. */
function bareServer(body: string): Promise<Child> {
  const script = `
    const body = ${JSON.stringify(body)};
    const server = require('node:http').createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
    });
    server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ url: 'http://127.0.0.1:' + server.address().port })));
    process.on('SIGTERM', () => server.close(() => process.exit(0)));`;
  return spawnServer(['-e', script], {});
}

const AUTH = { authorization: `Bearer ${API_KEY}` };

/** Connects the bench's athletes through `url` (the database keeps them for the other services on it). */
async function connectAthletes(emu: Emulator, url: string): Promise<void> {
  for (let i = 0; i < ATHLETES; i++) {
    const { response } = await connectAthlete(url, emu, { athleteId: 1001 + i, scope: 'read,activity:read_all' });
    if (response.status !== 200) throw new Error(`connect failed: ${response.status}`);
  }
}

function tokenPath(i: number): string {
  return `/v1/athletes/${1001 + i}/token`;
}

interface Row {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  failed: number;
}

/** One server under load: where, and with which headers. */
interface Target {
  name: string;
  url: string;
  headers: Record<string, string>;
  /** Paths the connections go round (the athletes' tokens); none: the URL's own. */
  paths?: string[];
}

async function load(target: Target, seconds: number): Promise<Row> {
  const requests = target.paths?.map((path) => ({ method: 'GET' as const, path }));
  const result = await autocannon({ url: target.url, connections: CONNECTIONS, duration: seconds, headers: target.headers, ...(requests ? { requests } : {}) });
  return { name: target.name, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, failed: result.non2xx + result.errors + result.timeouts };
}

/** Every target warmed up, then ROUNDS rounds in turn; each target's median round by requests/s. */
async function measure(targets: Target[]): Promise<Row[]> {
  for (const target of targets) await load(target, 1);
  const rounds = targets.map(() => [] as Row[]);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, target] of targets.entries()) rounds[i]!.push(await load(target, SECONDS));
  }
  return rounds.map((rows) => {
    const sorted = [...rows].sort((a, b) => a.rps - b.rps);
    return { ...sorted[Math.floor(sorted.length / 2)]!, failed: rows.reduce((sum, row) => sum + row.failed, 0) };
  });
}

async function main(): Promise<void> {
  const emu = await startEmulator();
  const home = await mkdtemp(join(tmpdir(), 'strava-auth-bench-serve-'));
  const rows: Row[] = [];
  const notes: string[] = [];
  const schema = `sa_bench_${process.pid}`;
  const admin = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
  try {
    const databases: Array<[string, string]> = [['SQLite', `sqlite:${join(home, 'serve.db')}`]];
    const reason = await postgresReason();
    if (reason) notes.push(`PostgreSQL skipped: ${reason} at ${DATABASE_URL.replace(/\/\/[^@/]*@/, '//')}`);
    else {
      await admin.query(`CREATE SCHEMA "${schema}"`);
      databases.push(['PostgreSQL', `${DATABASE_URL}?schema=${schema}`]);
    }
    let body = '';
    const services: Array<[string, Child]> = [];
    for (const [name, db] of databases) {
      const cached = await spawnServe(emu, db, home);
      const strict = await spawnServe(emu, db, home, {}, ['--cache-ms', '0']);
      services.push([`serve, ${name}`, cached], [`serve, ${name}, --cache-ms 0`, strict]);
      await connectAthletes(emu, cached.url);
      body = await (await fetch(`${cached.url}${tokenPath(0)}`, { headers: AUTH })).text();
    }
    // The bare server answers a body of the same length as the service's.
    const bare = await bareServer(body);
    const paths = Array.from({ length: ATHLETES }, (_, i) => tokenPath(i));
    rows.push(
      ...(await measure([
        { name: 'bare node:http, constant JSON', url: bare.url, headers: {} },
        ...services.map(([name, started]) => ({ name, url: started.url, headers: AUTH, paths })),
      ])),
    );
    for (const child of [bare, ...services.map(([, started]) => started)]) await stop(child);
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {});
    await admin.end();
    await emu.close();
    await rm(home, { recursive: true, force: true });
  }
  const bareRps = rows[0]!.rps;
  console.log(`\nToken API, cached token: ${CONNECTIONS} connections round ${ATHLETES} athletes, median of ${ROUNDS} rounds of ${SECONDS} s taken in turn (node ${process.version})\n`);
  console.log(`${'server'.padEnd(32)} ${'req/s'.padStart(9)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'vs bare'.padStart(8)} ${'failed'.padStart(7)}`);
  for (const row of rows) {
    console.log(
      `${row.name.padEnd(32)} ${row.rps.toFixed(0).padStart(9)} ${row.p50.toFixed(1).padStart(7)} ${row.p99.toFixed(1).padStart(7)} ${`${(row.rps / bareRps).toFixed(2)}x`.padStart(8)} ${String(row.failed).padStart(7)}`,
    );
  }
  for (const note of notes) console.log(`\n${note}`);
}

await main();

/**
 * Replicas of `strava-auth serve` on one database, behind no balancer: REPLICAS processes (the
 * real CLI), ATHLETES athletes whose tokens have all expired, and REQUESTS concurrent token
 * requests spread round-robin over the replicas. Counts the refreshes that reached the emulator
 * (the goal: exactly one per athlete), refresh tokens Strava saw after they were rotated away
 * (goal 0) and failed requests (goal 0), and checks that a connect started on one replica calls
 * back on another. On PostgreSQL (one schema) and on SQLite (one file), same run.
 *
 * How the tokens expire: the athletes connect while the emulator's clock runs six hours minus
 * 100 s behind, so their tokens expire 100 s from now (inside the service's 300 s margin); the
 * clock then catches up, and the refreshed tokens live six hours.
 *
 * Run: ./node_modules/.bin/node bench/serve-replicas.ts [replicas] [athletes] [requests]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ManualClock } from '../src/core/clock.ts';
import { startEmulator, type Emulator } from '../src/emulator/index.ts';
import { connectAthlete } from '../test/helpers/serve.ts';
import { API_KEY, DATABASE_URL, postgresReason, spawnServe, stop, type Child } from './serve-processes.ts';

const REPLICAS = Number(process.argv[2] ?? 3);
const ATHLETES = Number(process.argv[3] ?? 30);
const REQUESTS = Number(process.argv[4] ?? 300);
const LAG_S = 6 * 3600 - 100;

interface Row {
  name: string;
  refreshes: number;
  rotatedAway: number;
  failed: number;
  crossReplicaConnect: boolean;
  wallMs: number;
}

async function run(name: string, db: string, home: string): Promise<Row> {
  const emu: Emulator = await startEmulator({ clock: new ManualClock({ start: Date.now() - LAG_S * 1000 }) });
  const replicas: Child[] = [];
  try {
    for (let i = 0; i < REPLICAS; i++) replicas.push(await spawnServe(emu, db, home));
    for (let athlete = 1; athlete <= ATHLETES; athlete++) {
      const { response } = await connectAthlete(replicas[athlete % REPLICAS]!.url, emu, { athleteId: 5000 + athlete, scope: 'read' });
      if (response.status !== 200) throw new Error(`connect of athlete ${athlete} failed: ${response.status}`);
    }
    const cross = await connectAthlete(replicas[0]!.url, emu, { athleteId: 9999, scope: 'read', callbackOrigin: replicas[REPLICAS - 1]!.url });
    emu.clock.advance(LAG_S);
    emu.resetStats();
    const start = performance.now();
    const answers = await Promise.all(
      Array.from({ length: REQUESTS }, (_, i) =>
        fetch(`${replicas[i % REPLICAS]!.url}/v1/athletes/${5000 + (i % ATHLETES) + 1}/token`, { headers: { authorization: `Bearer ${API_KEY}` } }).then(
          (response) => response.status,
          () => 0,
        ),
      ),
    );
    const wallMs = performance.now() - start;
    const stats = emu.stats();
    return {
      name,
      refreshes: stats.grants.refresh_token,
      rotatedAway: stats.rejectedRefreshTokens,
      failed: answers.filter((status) => status !== 200).length,
      crossReplicaConnect: cross.response.status === 200,
      wallMs,
    };
  } finally {
    for (const replica of replicas) await stop(replica);
    await emu.close();
  }
}

async function main(): Promise<void> {
  const home = await mkdtemp(join(tmpdir(), 'strava-auth-bench-replicas-'));
  const schema = `sa_bench_replicas_${process.pid}`;
  const admin = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
  const rows: Row[] = [];
  const notes: string[] = [];
  try {
    const reason = await postgresReason();
    if (reason) notes.push(`PostgreSQL skipped: ${reason}`);
    else {
      await admin.query(`CREATE SCHEMA "${schema}"`);
      rows.push(await run('PostgreSQL, one schema', `${DATABASE_URL}?schema=${schema}`, home));
    }
    rows.push(await run('SQLite, one file', `sqlite:${join(home, 'replicas.db')}`, home));
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {});
    await admin.end();
    await rm(home, { recursive: true, force: true });
  }
  console.log(`\n${REPLICAS} serve replicas, ${ATHLETES} expired athletes, ${REQUESTS} concurrent token requests round-robin (node ${process.version})\n`);
  console.log(`${'database'.padEnd(24)} ${'refreshes'.padStart(9)} ${'(goal)'.padStart(6)} ${'rotated-away'.padStart(12)} ${'failed'.padStart(6)} ${'cross-replica connect'.padStart(21)} ${'wall ms'.padStart(8)}`);
  for (const row of rows) {
    console.log(
      `${row.name.padEnd(24)} ${String(row.refreshes).padStart(9)} ${String(ATHLETES).padStart(6)} ${String(row.rotatedAway).padStart(12)} ${String(row.failed).padStart(6)} ${(row.crossReplicaConnect ? 'ok' : 'FAILED').padStart(21)} ${row.wallMs.toFixed(0).padStart(8)}`,
    );
  }
  for (const note of notes) console.log(`\n${note}`);
}

await main();

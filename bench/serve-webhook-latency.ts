/**
 * From "the athlete removes the app in Strava's settings" to "the token API answers 410": the
 * emulator emits the deauthorization to its push subscription, `strava-auth serve` (the real CLI,
 * on SQLite) acknowledges it, marks the athlete revoked and deletes the tokens; the bench asks
 * for the athlete's token back to back until it gets 410. One athlete at a time.
 *
 * Run: ./node_modules/.bin/node bench/serve-webhook-latency.ts [athletes]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPushSubscription } from '../src/core/push-subscriptions.ts';
import { startEmulator } from '../src/emulator/index.ts';
import { connectAthlete } from '../test/helpers/serve.ts';
import { API_KEY, spawnServe, stop } from './serve-processes.ts';

const ATHLETES = Number(process.argv[2] ?? 100);
const VERIFY_TOKEN = 'bench-verify-token';

const emu = await startEmulator();
const home = await mkdtemp(join(tmpdir(), 'strava-auth-bench-webhook-'));
const server = await spawnServe(emu, `sqlite:${join(home, 'serve.db')}`, home, { STRAVA_WEBHOOK_VERIFY_TOKEN: VERIFY_TOKEN });
try {
  await createPushSubscription(
    { clientId: emu.clientId, clientSecret: emu.clientSecret, apiBaseUrl: `${emu.url}/api/v3` },
    { callbackUrl: `${server.url}/webhook`, verifyToken: VERIFY_TOKEN },
  );
  const ids = Array.from({ length: ATHLETES + 10 }, (_, i) => 7000 + i);
  for (const id of ids) await connectAthlete(server.url, emu, { athleteId: id, scope: 'read' });
  const tokenStatus = async (id: number) => (await fetch(`${server.url}/v1/athletes/${id}/token`, { headers: { authorization: `Bearer ${API_KEY}` } })).status;

  const samples: number[] = [];
  let polls = 0;
  for (const [i, id] of ids.entries()) {
    if ((await tokenStatus(id)) !== 200) throw new Error(`athlete ${id} has no token before the event`);
    const start = performance.now();
    void emu.deauthorizeInSettings(id);
    for (;;) {
      polls++;
      const status = await tokenStatus(id);
      if (status === 410) break;
      if (status !== 200) throw new Error(`unexpected ${status} for athlete ${id}`);
      if (performance.now() - start > 10_000) throw new Error(`no 410 for athlete ${id} within 10 s`);
    }
    if (i >= 10) samples.push(performance.now() - start); // the first ten warm up
  }
  await emu.webhooksIdle();
  const sorted = samples.sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(1);
  console.log(`\nDeauthorization in Strava's settings to 410 from the token API: serve on SQLite, one athlete at a time (node ${process.version})\n`);
  console.log('| events | p50 ms | p95 ms | p99 ms | max ms | token requests made while waiting |');
  console.log('|---|---|---|---|---|---|');
  console.log(`| ${samples.length} | ${at(0.5)} | ${at(0.95)} | ${at(0.99)} | ${sorted.at(-1)!.toFixed(1)} | ${polls} |`);
  console.log(`\nfailed deliveries: ${emu.webhookDeliveries().filter((d) => d.status === 'failed').length}`);
} finally {
  await stop(server);
  await emu.close();
  await rm(home, { recursive: true, force: true });
}

/**
 * Webhook latency: from the emulator emitting a deauthorization event (the athlete removes the
 * app in Strava's settings) to the webhook sub-app of `serve` having run `onDeauthorize`, with
 * the emulator and the sub-app (in @hono/node-server) on 127.0.0.1. Sequential events first (one
 * athlete at a time: the latency of one event), then bursts of concurrent ones (the queue handles
 * them in order, so the last waits for those before it).
 *
 * `onDeauthorize` here only notes the time: what is measured is delivery, the subscription check,
 * the acknowledgement and the queue, not a store. `serve`'s bench can put its store behind it and
 * measure up to "the token API answers 410".
 *
 * Run: ./node_modules/.bin/node bench/webhook-latency.ts [events] [burst]
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { startEmulator } from '../src/emulator/index.ts';
import { webhookEventKey } from '../src/server/webhook-event.ts';
import { webhookReceiver } from '../src/server/webhook-routes.ts';

const EVENTS = Number(process.argv[2] ?? 500);
const BURST = Number(process.argv[3] ?? 100);
const VERIFY_TOKEN = 'bench-verify-token';

const emu = await startEmulator();
const done = new Map<number, () => void>();
const seen = new Set<string>();
let subscriptionId: number | undefined;
const receiver = webhookReceiver({
  verifyToken: VERIFY_TOKEN,
  subscriptionId: async () => subscriptionId,
  recordEventOnce: async (event) => !seen.has(webhookEventKey(event)) && Boolean(seen.add(webhookEventKey(event))),
  onDeauthorize: async (athleteId) => done.get(athleteId)?.(),
});
const app = new Hono();
app.route('/webhook', receiver.routes);
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
await new Promise((resolve) => server.once('listening', resolve));
const callbackUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;

try {
  const created = await fetch(`${emu.url}/api/v3/push_subscriptions`, {
    method: 'POST',
    body: new URLSearchParams({ client_id: String(emu.clientId), client_secret: emu.clientSecret, callback_url: callbackUrl, verify_token: VERIFY_TOKEN }),
  });
  if (created.status !== 201) throw new Error(`subscription refused: ${created.status} ${await created.text()}`);
  subscriptionId = ((await created.json()) as { id: number }).id;

  let nextAthlete = 1000;
  /** Emits one deauthorization and resolves with the ms until onDeauthorize ran for it. */
  const one = (): Promise<number> => {
    const athleteId = nextAthlete++;
    const handled = new Promise<void>((resolve) => done.set(athleteId, resolve));
    const start = performance.now();
    void emu.deauthorizeInSettings(athleteId);
    return handled.then(() => {
      done.delete(athleteId);
      return performance.now() - start;
    });
  };

  for (let i = 0; i < 50; i++) await one(); // warm-up

  const sequential: number[] = [];
  for (let i = 0; i < EVENTS; i++) sequential.push(await one());

  const bursts: number[] = [];
  for (let i = 0; i < Math.max(1, Math.floor(EVENTS / BURST)); i++) bursts.push(...(await Promise.all(Array.from({ length: BURST }, one))));

  const failed = emu.webhookDeliveries().filter((d) => d.status === 'failed').length;
  const row = (name: string, samples: number[]) => {
    const sorted = [...samples].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(2);
    return `| ${name} | ${samples.length} | ${at(0.5)} | ${at(0.95)} | ${at(0.99)} | ${sorted.at(-1)!.toFixed(2)} |`;
  };
  console.log(`Deauthorization event to onDeauthorize, emulator and sub-app on 127.0.0.1 (node ${process.version})\n`);
  console.log('| case | events | p50 ms | p95 ms | p99 ms | max ms |');
  console.log('|---|---|---|---|---|---|');
  console.log(row('one at a time', sequential));
  console.log(row(`bursts of ${BURST}`, bursts));
  console.log(`\nfailed deliveries: ${failed}`);
} finally {
  await receiver.idle();
  server.close();
  await emu.close();
}

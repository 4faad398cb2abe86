/**
 * The service's side of the webhook contract (WebhookDeps, implemented on its stores), and the
 * mount point of the webhook sub-app; the sub-app itself is the `webhooks` branch's. Real SQLite,
 * real HTTP.
 */
import assert from 'node:assert/strict';
import { Hono } from 'hono';
import { test } from 'node:test';
import type { WebhookDeps, WebhookEvent } from '../src/server/webhook-deps.ts';
import { startTestEmulator } from './helpers/emulator.ts';
import { connectAthlete, startTestService } from './helpers/serve.ts';

const deauthorization = (athleteId: number): WebhookEvent => ({
  object_type: 'athlete',
  object_id: athleteId,
  aspect_type: 'update',
  updates: { authorized: 'false' },
  owner_id: athleteId,
  subscription_id: 77,
  event_time: 1_796_000_000,
});

test('mounted at /webhook with deps on the stores: dedupe, deauthorization (410 at once), settings, metrics', async (t) => {
  const emu = await startTestEmulator(t);
  let deps: WebhookDeps | undefined;
  const svc = await startTestService(t, emu, {
    overrides: {
      webhooks: { verifyToken: 'verify-me', subscriptionId: 77, forwardUrl: 'https://app.example/hook', forwardSecret: 'forward-secret' },
      webhookRoutes: (given) => {
        deps = given;
        const app = new Hono();
        app.post('/', async (c) => {
          const event = (await c.req.json()) as WebhookEvent;
          if (!(await given.recordEventOnce(event))) return c.json({ duplicate: true });
          if (event.object_type === 'athlete' && event.updates?.authorized === 'false') await given.onDeauthorize(event.owner_id);
          return c.json({ handled: true });
        });
        return app;
      },
    },
  });
  assert.ok(deps);
  assert.equal(deps.verifyToken, 'verify-me');
  assert.equal(await deps.subscriptionId(), 77);
  assert.equal(deps.forwardUrl, 'https://app.example/hook');
  assert.equal(deps.forwardSecret, 'forward-secret');

  await connectAthlete(svc.url, emu, { athleteId: 61 });
  assert.equal((await svc.api('/v1/athletes/61/token')).status, 200);
  const post = (event: WebhookEvent) => fetch(`${svc.url}/webhook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) }).then((r) => r.json());
  assert.deepEqual(await post(deauthorization(61)), { handled: true });
  assert.deepEqual(await post(deauthorization(61)), { duplicate: true }, 'a retried delivery is handled once');
  const gone = await svc.api('/v1/athletes/61/token');
  assert.equal(gone.status, 410);
  assert.equal((await gone.json()).error.code, 'athlete_revoked');
  assert.equal(await svc.store.get('61'), undefined, 'the tokens are deleted');

  // Connecting again clears the revocation.
  await connectAthlete(svc.url, emu, { athleteId: 61 });
  assert.equal((await svc.api('/v1/athletes/61/token')).status, 200);

  const metrics = await (await fetch(`${svc.url}/metrics`)).text();
  assert.match(metrics, /strava_auth_webhook_events_total\{object_type="athlete",aspect_type="update",outcome="new"\} 1/);
  assert.match(metrics, /strava_auth_webhook_events_total\{object_type="athlete",aspect_type="update",outcome="duplicate"\} 1/);
  assert.match(metrics, /strava_auth_http_requests_total\{method="GET",route="\/v1\/athletes\/:id\{\[0-9\]\+\}\/token",status="410"\} 1/);
  assert.match(metrics, /strava_auth_lock_wait_seconds_count [1-9]/);
  for (const name of ['strava_auth_refreshes_total', 'strava_auth_refresh_failures_total']) assert.match(metrics, new RegExp(`# TYPE ${name} counter`));
});

test('without webhookRoutes, /webhook is a JSON 404 (the sub-app is optional)', async (t) => {
  const emu = await startTestEmulator(t);
  const svc = await startTestService(t, emu);
  const response = await fetch(`${svc.url}/webhook`, { method: 'POST', body: '{}' });
  assert.equal(response.status, 404);
  assert.equal((await response.json()).error.code, 'not_found');
});

test('a receiver (routes + idle): mounted, and the service is idle only once the receiver is', async (t) => {
  const emu = await startTestEmulator(t);
  let finish!: () => void;
  const pending = new Promise<void>((resolve) => (finish = resolve));
  const svc = await startTestService(t, emu, {
    overrides: { webhookRoutes: () => ({ routes: new Hono().get('/', (c) => c.text('receiver')), idle: () => pending }) },
  });
  assert.equal(await (await fetch(`${svc.url}/webhook`)).text(), 'receiver');
  let idle = false;
  const waiting = svc.service.idle().then(() => (idle = true));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(idle, false);
  finish();
  await waiting;
  assert.equal(idle, true);
});

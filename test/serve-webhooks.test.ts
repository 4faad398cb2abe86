/**
 * Webhooks into the token service: the emulator's push subscription delivers to the service's
 * webhook sub-app, whose dependencies are the service's stores. Real SQLite, real HTTP.
 */
import assert from 'node:assert/strict';
import { Hono } from 'hono';
import { test } from 'node:test';
import { createPushSubscription } from '../src/core/push-subscriptions.ts';
import { webhookReceiver } from '../src/server/webhook-routes.ts';
import { startTestEmulator } from './helpers/emulator.ts';
import { connectAthlete, startTestService } from './helpers/serve.ts';

test('end to end: a push subscription to the service; the athlete revokes in Strava; 410 at once; a redelivery is handled once', async (t) => {
  const emu = await startTestEmulator(t);
  const svc = await startTestService(t, emu, { overrides: { webhookRoutes: webhookReceiver, webhooks: { verifyToken: 'verify-me' } } });
  // The emulator checks the callback (GET /webhook with the verify token) before creating it.
  const subscription = await createPushSubscription(
    { clientId: emu.clientId, clientSecret: emu.clientSecret, apiBaseUrl: `${emu.url}/api/v3` },
    { callbackUrl: `${svc.url}/webhook`, verifyToken: 'verify-me' },
  );
  await connectAthlete(svc.url, emu, { athleteId: 61 });
  assert.equal((await svc.api('/v1/athletes/61/token')).status, 200);

  const delivery = await emu.deauthorizeInSettings(61);
  assert.equal(delivery?.status, 'delivered');
  await svc.service.idle();
  const gone = await svc.api('/v1/athletes/61/token');
  assert.equal(gone.status, 410);
  assert.equal((await gone.json()).error.code, 'athlete_revoked');
  assert.equal(await svc.store.get('61'), undefined, 'the tokens are deleted');
  assert.equal((await (await svc.api('/v1/athletes/61')).json()).status, 'revoked');

  // Strava retries a delivery it thinks failed: the same event again is acknowledged, handled once.
  const again = await fetch(`${svc.url}/webhook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(delivery!.event) });
  assert.equal(again.status, 200);
  await svc.service.idle();
  // An event of another subscription is refused.
  const forged = await fetch(`${svc.url}/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...delivery!.event, subscription_id: subscription.id + 1, owner_id: 62, object_id: 62 }),
  });
  assert.equal(forged.status, 403);

  // Connecting again clears the revocation.
  await connectAthlete(svc.url, emu, { athleteId: 61 });
  assert.equal((await svc.api('/v1/athletes/61/token')).status, 200);

  const metrics = await (await fetch(`${svc.url}/metrics`)).text();
  assert.match(metrics, /strava_auth_webhook_events_total\{object_type="athlete",aspect_type="update",outcome="new"\} 1/);
  assert.match(metrics, /strava_auth_webhook_events_total\{object_type="athlete",aspect_type="update",outcome="duplicate"\} 1/);
  assert.match(metrics, /strava_auth_http_requests_total\{method="GET",route="\/v1\/athletes\/:id\{\[0-9\]\+\}\/token",status="410"\} 1/);
  assert.match(metrics, /strava_auth_lock_wait_seconds_count [1-9]/);
  for (const name of ['strava_auth_refreshes_total', 'strava_auth_refresh_failures_total']) assert.match(metrics, new RegExp(`# TYPE ${name} counter`));
  const log = svc.logs.join('');
  assert.match(log, /"msg":"athlete deauthorized","athlete_id":61/);
  assert.ok(!log.includes('verify-me'), 'the verify token is never logged');
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

/**
 * The webhook sub-app of `serve`, mounted at /webhook in a real node server, receiving events
 * from the emulator over 127.0.0.1: the subscription check, refused events, duplicates,
 * deauthorizations, and forwarding signed events to the app (verified with verifyForwardedEvent),
 * retried on an injected sleep.
 */
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import fc from 'fast-check';
import { Hono } from 'hono';
import { ManualClock } from '../src/core/clock.ts';
import type { Emulator } from '../src/emulator/index.ts';
import { ForwardSecretMissingError } from '../src/server/errors/forward-secret-missing-error.ts';
import { WebhookSignatureError } from '../src/server/errors/webhook-signature-error.ts';
import { signForwardedEvent, verifyForwardedEvent } from '../src/server/forward-signature.ts';
import { webhookEventKey, type WebhookEvent } from '../src/server/webhook-event.ts';
import { webhookReceiver, webhookRoutes, type WebhookDeps, type WebhookLogFields } from '../src/server/webhook-routes.ts';
import { startCallbackServer } from './helpers/callback-server.ts';
import { startTestEmulator } from './helpers/emulator.ts';
import { serveOnLoopback } from './helpers/hono-server.ts';

const VERIFY_TOKEN = 'verify-me-0123';
const SECRET = 'forward-secret-0123456789';

/** What the fake service behind the deps saw. */
interface Service {
  recorded: WebhookEvent[];
  duplicates: number;
  deauthorized: number[];
  logs: Array<{ msg: string } & WebhookLogFields>;
  waits: number[];
}

async function setup(t: TestContext, overrides: Partial<WebhookDeps> = {}) {
  const clock = new ManualClock({ frozen: true });
  const emu = await startTestEmulator(t, { clock, webhooks: { sleep: async () => {} } });
  const seen = new Set<string>();
  const service: Service = { recorded: [], duplicates: 0, deauthorized: [], logs: [], waits: [] };
  let subscriptionId: number | undefined;
  const receiver = webhookReceiver({
    verifyToken: VERIFY_TOKEN,
    subscriptionId: async () => subscriptionId,
    recordEventOnce: async (event) => {
      const key = webhookEventKey(event);
      if (seen.has(key)) {
        service.duplicates++;
        return false;
      }
      seen.add(key);
      service.recorded.push(event);
      return true;
    },
    onDeauthorize: async (athleteId) => void service.deauthorized.push(athleteId),
    clock,
    log: (msg, fields) => void service.logs.push({ msg, ...fields }),
    sleep: async (ms) => void service.waits.push(ms),
    ...overrides,
  });
  const app = new Hono();
  app.route('/webhook', receiver.routes);
  const base = await serveOnLoopback(t, app);
  const callbackUrl = `${base}/webhook`;
  return {
    emu,
    clock,
    service,
    receiver,
    callbackUrl,
    /** Subscribes through the emulator (its check GETs the sub-app) and tells the service the id. */
    async subscribe(): Promise<Response> {
      const response = await subscribe(emu, callbackUrl, VERIFY_TOKEN);
      if (response.status === 201) subscriptionId = ((await response.clone().json()) as { id: number }).id;
      return response;
    },
  };
}

function subscribe(emu: Emulator, callbackUrl: string, verifyToken: string): Promise<Response> {
  const body = new URLSearchParams({ client_id: String(emu.clientId), client_secret: emu.clientSecret, callback_url: callbackUrl, verify_token: verifyToken });
  return fetch(`${emu.url}/api/v3/push_subscriptions`, { method: 'POST', body });
}

describe('GET /webhook: the subscription check', () => {
  test('the emulator creates a subscription against the sub-app: the challenge is echoed as JSON', async (t) => {
    const { subscribe: create, callbackUrl } = await setup(t);
    assert.equal((await create()).status, 201);
    const direct = await fetch(`${callbackUrl}?hub.mode=subscribe&hub.challenge=abc123&hub.verify_token=${VERIFY_TOKEN}`);
    assert.equal(direct.status, 200);
    assert.deepEqual(await direct.json(), { 'hub.challenge': 'abc123' });
  });

  test('a wrong verify token is 403, and the emulator refuses to create the subscription', async (t) => {
    const { emu, callbackUrl } = await setup(t);
    const response = await subscribe(emu, callbackUrl, 'not-the-token');
    assert.equal(response.status, 400);
    assert.deepEqual(await response.json(), { message: 'Bad Request', errors: [{ resource: 'PushSubscription', field: 'callback url', code: 'GET to callback URL does not return 200' }] });
    assert.equal((await fetch(`${callbackUrl}?hub.mode=subscribe&hub.challenge=x&hub.verify_token=nope`)).status, 403);
  });

  test('without a configured verify token every check is 403; a request that is not a check is 400', async (t) => {
    const { callbackUrl } = await setup(t, { verifyToken: undefined });
    assert.equal((await fetch(`${callbackUrl}?hub.mode=subscribe&hub.challenge=x&hub.verify_token=`)).status, 403);
    assert.equal((await fetch(`${callbackUrl}?hub.challenge=x&hub.verify_token=${VERIFY_TOKEN}`)).status, 400);
    assert.equal((await fetch(`${callbackUrl}?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}`)).status, 400);
  });
});

describe('POST /webhook: events', () => {
  test('a deauthorization from the emulator (athlete removes the app in settings) calls onDeauthorize once', async (t) => {
    const { emu, subscribe: create, service, receiver } = await setup(t);
    await create();
    const delivery = await emu.deauthorizeInSettings(7);
    assert.equal(delivery?.status, 'delivered');
    await receiver.idle();
    assert.deepEqual(service.deauthorized, [7]);
    assert.ok(service.logs.some((entry) => entry.msg === 'webhook.deauthorized' && entry.owner_id === 7));
  });

  test('POST /oauth/deauthorize at the emulator reaches onDeauthorize too', async (t) => {
    const { emu, subscribe: create, service, receiver } = await setup(t);
    await create();
    const tokens = emu.issueTokens({ athleteId: 9, scopes: ['read'] });
    await fetch(`${emu.url}/oauth/deauthorize`, { method: 'POST', headers: { authorization: `Bearer ${tokens.access_token}` } });
    await emu.webhooksIdle();
    await receiver.idle();
    assert.deepEqual(service.deauthorized, [9]);
  });

  test('an event with another subscription_id is refused with 403 on every attempt and never handled', async (t) => {
    const { emu, subscribe: create, service, receiver } = await setup(t);
    await create();
    const delivery = await emu.sendWebhookEvent({ subscription_id: 999, object_type: 'athlete', updates: { authorized: 'false' } });
    assert.deepEqual(delivery.attempts.map((a) => a.result), ['403', '403', '403']);
    await receiver.idle();
    assert.deepEqual(service.recorded, []);
    assert.deepEqual(service.deauthorized, []);
  });

  test('events are refused while no subscription id is known', async (t) => {
    const { callbackUrl, service } = await setup(t);
    const event = { object_type: 'activity', object_id: 1, aspect_type: 'create', updates: {}, owner_id: 1, subscription_id: 1, event_time: 1 };
    assert.equal((await fetch(callbackUrl, { method: 'POST', body: JSON.stringify(event) })).status, 403);
    assert.deepEqual(service.recorded, []);
  });

  test('a retried event (same fields) is handled once: recorded, forwarded and logged once', async (t) => {
    const app = await startCallbackServer(t, () => ({ status: 200 }));
    const { emu, subscribe: create, service, receiver } = await setup(t, { forwardUrl: app.url, forwardSecret: SECRET });
    await create();
    const event = { object_id: 77, owner_id: 1, event_time: 1_700_000_000, aspect_type: 'update' as const, updates: { title: 'Ride' } };
    assert.equal((await emu.sendWebhookEvent(event)).status, 'delivered');
    assert.equal((await emu.sendWebhookEvent(event)).status, 'delivered');
    assert.equal((await emu.sendWebhookEvent({ ...event, event_time: 1_700_000_001 })).status, 'delivered');
    await receiver.idle();
    assert.equal(service.recorded.length, 2);
    assert.equal(service.duplicates, 1);
    assert.deepEqual(app.received.map((r) => (JSON.parse(r.body) as WebhookEvent).event_time), [1_700_000_000, 1_700_000_001]);
    assert.equal(service.logs.filter((entry) => entry.msg === 'webhook.recorded').length, 2);
    assert.equal(service.logs.filter((entry) => entry.msg === 'webhook.duplicate').length, 1);
  });

  test('the event is acknowledged before it is handled: a handler stuck on the store does not delay the 200', async (t) => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const deauthorized: number[] = [];
    const { emu, subscribe: create, receiver } = await setup(t, {
      onDeauthorize: async (athleteId) => {
        await gate;
        deauthorized.push(athleteId);
      },
    });
    await create();
    const delivery = await emu.deauthorizeInSettings(5);
    assert.deepEqual(delivery?.attempts.map((a) => a.result), ['200']);
    assert.deepEqual(deauthorized, []); // still waiting on the gate, yet Strava has its 200
    release();
    await receiver.idle();
    assert.deepEqual(deauthorized, [5]);
  });

  const malformed: Array<{ name: string; body: string; status: number }> = [
    { name: 'not JSON', body: '{"object_type":', status: 400 },
    { name: 'JSON but not an event', body: '{"hello":"world"}', status: 400 },
    { name: 'an event with a string id', body: JSON.stringify({ object_type: 'activity', object_id: '1', aspect_type: 'create', owner_id: 1, subscription_id: 1, event_time: 1 }), status: 400 },
    { name: 'an array', body: '[]', status: 400 },
    { name: 'a body over 16 KiB', body: JSON.stringify({ pad: 'x'.repeat(20_000) }), status: 413 },
  ];
  for (const { name, body, status } of malformed) {
    test(`${name} is ${status}, and the server keeps serving`, async (t) => {
      const { callbackUrl, subscribe: create } = await setup(t);
      await create();
      const response = await fetch(callbackUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      assert.equal(response.status, status);
      assert.equal(((await response.json()) as { error: { code: string } }).error.code.length > 0, true);
      assert.equal((await fetch(`${callbackUrl}?hub.mode=subscribe&hub.challenge=x&hub.verify_token=${VERIFY_TOKEN}`)).status, 200);
    });
  }

  test('a store that cannot say the subscription id gets 503 with Retry-After (Strava retries)', async (t) => {
    const { callbackUrl } = await setup(t, {
      subscriptionId: async () => {
        throw new Error('database down');
      },
    });
    const event = { object_type: 'activity', object_id: 1, aspect_type: 'create', updates: {}, owner_id: 1, subscription_id: 1, event_time: 1 };
    const response = await fetch(callbackUrl, { method: 'POST', body: JSON.stringify(event) });
    assert.equal(response.status, 503);
    assert.equal(response.headers.get('retry-after'), '5');
  });

  test('a store call that fails is retried on the injected sleep before the event is handled', async (t) => {
    let failures = 2;
    const calls: number[] = [];
    const { emu, subscribe: create, receiver, service } = await setup(t, {
      onDeauthorize: async (athleteId) => {
        calls.push(athleteId);
        if (failures-- > 0) throw new Error('store busy');
      },
    });
    await create();
    await emu.deauthorizeInSettings(4);
    await receiver.idle();
    assert.deepEqual(calls, [4, 4, 4]);
    assert.equal(service.waits.length, 2);
    assert.ok(service.logs.some((entry) => entry.msg === 'webhook.deauthorized'));
  });
});

describe('forwarding to the app', () => {
  test('every new event is forwarded signed; the app verifies it with verifyForwardedEvent', async (t) => {
    const app = await startCallbackServer(t, () => ({ status: 204 }));
    const { emu, clock, subscribe: create, receiver } = await setup(t, { forwardUrl: app.url, forwardSecret: SECRET });
    await create();
    await emu.sendWebhookEvent({ object_id: 11 });
    await emu.deauthorizeInSettings(3);
    await receiver.idle();
    assert.equal(app.received.length, 2);
    const first = app.received[0]!;
    // The callback server keeps no headers; sign again and compare with what verify accepts.
    const event = JSON.parse(first.body) as WebhookEvent;
    assert.equal(event.object_id, 11);
    const header = await signForwardedEvent(SECRET, first.body, Math.floor(clock.now() / 1000));
    assert.deepEqual(await verifyForwardedEvent(SECRET, header, first.body, clock.now()), event);
    assert.equal((JSON.parse(app.received[1]!.body) as WebhookEvent).updates.authorized, 'false');
  });

  test('the forwarded request carries the signature header that verifies, and an event id stable across retries', async (t) => {
    const headers: Array<{ signature: string; id: string }> = [];
    const bodies: string[] = [];
    const answers = [500, 502, 200];
    const appServer = new Hono();
    appServer.post('/events', async (c) => {
      headers.push({ signature: c.req.header('strava-auth-signature') ?? '', id: c.req.header('strava-auth-event-id') ?? '' });
      bodies.push(await c.req.text());
      return c.body(null, (answers.shift() ?? 200) as 200);
    });
    const appUrl = `${await serveOnLoopback(t, appServer)}/events`;
    const { emu, clock, subscribe: create, receiver, service } = await setup(t, { forwardUrl: appUrl, forwardSecret: SECRET });
    await create();
    await emu.sendWebhookEvent({ object_id: 12 });
    await receiver.idle();
    assert.equal(headers.length, 3);
    assert.deepEqual(service.waits.length, 2);
    assert.ok(service.waits[1]! > 0);
    assert.equal(new Set(headers.map((h) => h.id)).size, 1);
    assert.match(headers[0]!.id, /^[0-9a-f]{64}$/);
    for (const [i, { signature }] of headers.entries()) {
      assert.match(signature, /^t=\d+,v1=[0-9a-f]{64}$/);
      assert.equal((await verifyForwardedEvent(SECRET, signature, bodies[i]!, clock.now())).object_id, 12);
    }
    assert.ok(service.logs.some((entry) => entry.msg === 'webhook.forwarded' && entry.attempts === 3));
  });

  test('an app that never accepts is given up after the retries, logged, and later events still flow', async (t) => {
    const app = await startCallbackServer(t, () => ({ status: 500 }));
    const { emu, subscribe: create, receiver, service } = await setup(t, { forwardUrl: app.url, forwardSecret: SECRET, retry: { retries: 2, baseDelayMs: 10, maxDelayMs: 100 } });
    await create();
    await emu.sendWebhookEvent({ object_id: 1 });
    await emu.sendWebhookEvent({ object_id: 2 });
    await receiver.idle();
    assert.equal(app.received.length, 6);
    assert.equal(service.logs.filter((entry) => entry.msg === 'webhook.forward_failed').length, 2);
  });

  test('a forward URL without a secret is refused at start-up', () => {
    assert.throws(
      () => webhookRoutes({ verifyToken: 'x', subscriptionId: async () => 1, recordEventOnce: async () => true, onDeauthorize: async () => {}, forwardUrl: 'http://127.0.0.1:9/x' }),
      ForwardSecretMissingError,
    );
  });
});

describe('verifyForwardedEvent', () => {
  const event: WebhookEvent = { object_type: 'activity', object_id: 1, aspect_type: 'create', updates: {}, owner_id: 2, subscription_id: 3, event_time: 1_700_000_000 };
  const body = JSON.stringify(event);
  const now = 1_700_000_000_000;
  const t0 = now / 1000;

  test('accepts a fresh signature, and any of several v1 values (a secret rotation)', async () => {
    const header = await signForwardedEvent(SECRET, body, t0);
    assert.deepEqual(await verifyForwardedEvent(SECRET, header, body, now), event);
    const other = (await signForwardedEvent('old-secret-value', body, t0)).split(',')[1]!;
    assert.deepEqual(await verifyForwardedEvent(SECRET, `${header},${other}`, body, now + 299_000), event);
  });

  const refusals: Array<{ name: string; header: () => Promise<string | undefined>; body?: string; problem: string }> = [
    { name: 'no header', header: async () => undefined, problem: 'missing' },
    { name: 'a header without t', header: async () => 'v1=00', problem: 'malformed' },
    { name: 'a header with two t', header: async () => `t=${t0},t=${t0},v1=00`, problem: 'malformed' },
    { name: 'a v1 that is not hex', header: async () => `t=${t0},v1=zz`, problem: 'malformed' },
    { name: 'a signature six minutes old', header: () => signForwardedEvent(SECRET, body, t0 - 360), problem: 'expired' },
    { name: 'a signature from the future', header: () => signForwardedEvent(SECRET, body, t0 + 360), problem: 'expired' },
    { name: 'another secret', header: () => signForwardedEvent('another-secret', body, t0), problem: 'mismatch' },
    { name: 'a changed body', header: () => signForwardedEvent(SECRET, body, t0), body: body.replace('"owner_id":2', '"owner_id":9'), problem: 'mismatch' },
    { name: 'a signed body that is not an event', header: () => signForwardedEvent(SECRET, '{}', t0), body: '{}', problem: 'not-an-event' },
  ];
  for (const { name, header, body: sent, problem } of refusals) {
    test(`refuses ${name} (${problem}), never quoting the header or body`, async () => {
      const value = await header();
      await assert.rejects(verifyForwardedEvent(SECRET, value, sent ?? body, now), (error: unknown) => {
        assert.ok(error instanceof WebhookSignatureError);
        assert.equal(error.problem, problem);
        assert.equal(error.code, 'invalid_webhook_signature');
        if (value) assert.ok(!error.message.includes(value));
        return true;
      });
    });
  }
});

describe('POST /webhook: property', () => {
  test('random bodies (JSON-ish, events with fields changed, bytes) are answered 2xx, 400 or 403, never 5xx; only a well-formed event of our subscription is handled', async (t) => {
    const { subscribe: create, callbackUrl, service, receiver, emu } = await setup(t);
    await create();
    const ours = emu.pushSubscriptions()[0]!.id;
    const value = fc.oneof(fc.integer(), fc.double(), fc.string({ maxLength: 12 }), fc.boolean(), fc.constant(null), fc.constantFrom(ours, 'athlete', 'activity', 'update', 'create', 'delete', -1, 0, 1e308));
    const event = fc.record(
      {
        object_type: fc.oneof(fc.constantFrom('athlete', 'activity'), value),
        object_id: fc.oneof(fc.integer({ min: 1, max: 1e9 }), value),
        aspect_type: fc.oneof(fc.constantFrom('create', 'update', 'delete'), value),
        updates: fc.oneof(fc.constant({ authorized: 'false' }), fc.dictionary(fc.string({ maxLength: 8 }), value, { maxKeys: 3 }), value),
        owner_id: fc.oneof(fc.integer({ min: 1, max: 1e9 }), value),
        subscription_id: fc.oneof(fc.constant(ours), value),
        event_time: fc.oneof(fc.integer({ min: 1, max: 2e9 }), value),
      },
      { requiredKeys: [] },
    );
    const valid = fc.record({
      object_type: fc.constantFrom('athlete', 'activity'),
      object_id: fc.integer({ min: 1, max: 1e9 }),
      aspect_type: fc.constantFrom('create', 'update', 'delete'),
      updates: fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string({ maxLength: 8 }), fc.boolean()), { maxKeys: 3 }),
      owner_id: fc.integer({ min: 1, max: 1e9 }),
      subscription_id: fc.oneof(fc.constant(ours), fc.integer({ min: 1, max: 1e9 })),
      event_time: fc.integer({ min: 1, max: 2e9 }),
    });
    const body = fc.oneof(valid.map((e) => JSON.stringify(e)), event.map((e) => JSON.stringify(e)), fc.json(), fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 100 }));
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        const response = await fetch(callbackUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
        assert.ok([200, 400, 403].includes(response.status), `status ${response.status}`);
        if (response.status === 200) accepted++;
        await response.arrayBuffer();
      }),
      { numRuns: 200 },
    );
    await receiver.idle();
    assert.equal(service.recorded.length + service.duplicates, accepted);
    for (const recorded of service.recorded) assert.equal(recorded.subscription_id, ours);
    assert.ok(accepted > 0, 'some random events were well-formed');
  });
});

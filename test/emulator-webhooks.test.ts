/**
 * The emulator's push subscriptions and event deliveries (protocol section 6), over real HTTP:
 * its check GETs a real callback on 127.0.0.1 that answers, fails, answers wrong or never answers;
 * events are retried on an injected sleep, so no test waits for a retry.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { ManualClock } from '../src/core/clock.ts';
import { startEmulator, type Emulator, type EmulatorOptions } from '../src/emulator/index.ts';
import { echoChallenge, startCallbackServer, type CallbackServer } from './helpers/callback-server.ts';
import { startTestEmulator } from './helpers/emulator.ts';

/** A sleep that returns at once and remembers what it was asked to wait. */
function recordingSleep(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => void waits.push(ms) };
}

async function setup(t: TestContext, options: EmulatorOptions = {}): Promise<{ emu: Emulator; callback: CallbackServer; waits: number[] }> {
  const { sleep, waits } = recordingSleep();
  const emu = await startTestEmulator(t, { ...options, webhooks: { sleep, ...options.webhooks } });
  const callback = await startCallbackServer(t);
  return { emu, callback, waits };
}

function form(emu: Emulator, fields: Record<string, string> = {}): URLSearchParams {
  return new URLSearchParams({ client_id: String(emu.clientId), client_secret: emu.clientSecret, ...fields });
}

function create(emu: Emulator, fields: Record<string, string>): Promise<Response> {
  return fetch(`${emu.url}/api/v3/push_subscriptions`, { method: 'POST', body: form(emu, { verify_token: 'v-token', ...fields }) });
}

function list(emu: Emulator, secret = emu.clientSecret): Promise<Response> {
  return fetch(`${emu.url}/api/v3/push_subscriptions?${new URLSearchParams({ client_id: String(emu.clientId), client_secret: secret })}`);
}

const error = (resource: string, field: string, code: string) => ({ message: 'Bad Request', errors: [{ resource, field, code }] });

describe('POST /api/v3/push_subscriptions', () => {
  test('checks the callback with hub.mode, hub.challenge and hub.verify_token, then answers 201 with the subscription', async (t) => {
    const { emu, callback } = await setup(t);
    const response = await create(emu, { callback_url: callback.url });
    assert.equal(response.status, 201);
    const body = (await response.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body), ['id', 'application_id', 'callback_url', 'created_at', 'updated_at']);
    assert.equal(body.application_id, emu.clientId);
    assert.equal(body.callback_url, callback.url);
    assert.match(String(body.created_at), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(callback.received.length, 1);
    const check = callback.received[0]!;
    assert.equal(check.method, 'GET');
    assert.equal(check.url.searchParams.get('hub.mode'), 'subscribe');
    assert.equal(check.url.searchParams.get('hub.verify_token'), 'v-token');
    assert.match(check.url.searchParams.get('hub.challenge') ?? '', /^[0-9a-f]{24}$/);
    assert.deepEqual(emu.pushSubscriptions(), [body]);
  });

  test('one subscription per app: a second create is 400 already exists, and its callback is not asked', async (t) => {
    const { emu, callback } = await setup(t);
    assert.equal((await create(emu, { callback_url: callback.url })).status, 201);
    const second = await create(emu, { callback_url: `${callback.url}/other` });
    assert.equal(second.status, 400);
    assert.deepEqual(await second.json(), error('PushSubscription', '', 'already exists'));
    assert.equal(callback.received.length, 1);
  });

  const failures: Array<{ name: string; reply: Parameters<CallbackServer['reply']>[0]; code: string }> = [
    { name: 'echoes another challenge', reply: () => ({ status: 200, body: { 'hub.challenge': 'nope' } }), code: 'not verifiable' },
    { name: 'answers 200 without JSON', reply: () => ({ status: 200 }), code: 'not verifiable' },
    { name: 'answers 500', reply: () => ({ status: 500, body: {} }), code: 'GET to callback URL does not return 200' },
    {
      name: 'redirects to a callback that would answer',
      reply: (request) =>
        request.url.pathname.endsWith('/moved') ? echoChallenge(request) : { status: 302, headers: { location: `${request.url.pathname}/moved${request.url.search}` } },
      code: 'GET to callback URL does not return 200',
    },
    { name: 'answers 403 (wrong verify token)', reply: () => ({ status: 403, body: {} }), code: 'GET to callback URL does not return 200' },
    { name: 'never answers (deadline 200 ms here, 2 s by default)', reply: () => 'hang', code: 'not verifiable' },
  ];
  for (const { name, reply, code } of failures) {
    test(`a callback that ${name} fails the check: 400 PushSubscription "callback url" ${code}, nothing created`, async (t) => {
      const { emu, callback } = await setup(t, { webhooks: { timeoutMs: 200 } });
      callback.reply(reply);
      const response = await create(emu, { callback_url: callback.url });
      assert.equal(response.status, 400);
      assert.deepEqual(await response.json(), error('PushSubscription', 'callback url', code));
      assert.deepEqual(emu.pushSubscriptions(), []);
      assert.equal(emu.webhookDeliveries().at(-1)?.status, 'failed');
    });
  }

  test('a callback nobody listens on fails the check', async (t) => {
    const { emu } = await setup(t);
    const response = await create(emu, { callback_url: 'http://127.0.0.1:1/webhook' });
    assert.deepEqual(await response.json(), error('PushSubscription', 'callback url', 'not verifiable'));
    assert.match(emu.webhookDeliveries()[0]!.attempts[0]!.result, /^unreachable/);
  });

  const badInputs: Array<{ name: string; fields: Record<string, string>; body: unknown }> = [
    { name: 'a callback URL over 255 characters', fields: { callback_url: `http://127.0.0.1:9/${'x'.repeat(250)}` }, body: error('PushSubscription', 'callback url', 'invalid') },
    { name: 'no callback URL', fields: {}, body: error('PushSubscription', 'callback url', 'invalid') },
    { name: 'a callback URL that is not http(s)', fields: { callback_url: 'ftp://127.0.0.1/x' }, body: error('PushSubscription', 'callback url', 'invalid') },
    { name: 'no verify token', fields: { callback_url: 'http://127.0.0.1:9/x', verify_token: '' }, body: error('PushSubscription', 'verify token', 'missing') },
    { name: 'a wrong client secret', fields: { callback_url: 'http://127.0.0.1:9/x', client_secret: 'wrong' }, body: error('Application', 'client_secret', 'invalid') },
    { name: 'an unknown client id', fields: { callback_url: 'http://127.0.0.1:9/x', client_id: '999' }, body: error('Application', 'client_id', 'invalid') },
  ];
  for (const { name, fields, body } of badInputs) {
    test(`${name}: 400 before any callback is asked`, async (t) => {
      const { emu, callback } = await setup(t);
      const response = await create(emu, fields);
      assert.equal(response.status, 400);
      assert.deepEqual(await response.json(), body);
      assert.equal(callback.received.length, 0);
    });
  }
});

describe('GET and DELETE /api/v3/push_subscriptions', () => {
  test('list shows the subscription (resource_state 2); delete answers 204, then the list is empty and a second delete 404', async (t) => {
    const { emu, callback } = await setup(t);
    const created = (await (await create(emu, { callback_url: callback.url })).json()) as { id: number };
    const { id: _id, ...fields } = emu.pushSubscriptions()[0]!;
    assert.deepEqual(await (await list(emu)).json(), [{ id: created.id, resource_state: 2, ...fields }]);
    const del = (id: number | string, secret = emu.clientSecret) =>
      fetch(`${emu.url}/api/v3/push_subscriptions/${id}?${form(emu, { client_secret: secret })}`, { method: 'DELETE' });
    assert.equal((await del(created.id, 'wrong')).status, 400);
    assert.equal((await del(created.id + 1)).status, 404);
    const deleted = await del(created.id);
    assert.equal(deleted.status, 204);
    assert.equal(await deleted.text(), '');
    assert.deepEqual(await (await list(emu)).json(), []);
    assert.equal((await del(created.id)).status, 404);
    assert.equal((await del('abc')).status, 404);
  });

  test('list with a wrong secret is 400 client_secret invalid', async (t) => {
    const { emu } = await setup(t);
    const response = await list(emu, 'wrong');
    assert.equal(response.status, 400);
    assert.deepEqual(await response.json(), error('Application', 'client_secret', 'invalid'));
  });

  test('a subscription survives a restart of an emulator with a state file', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'emu-webhooks-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const callback = await startCallbackServer(t);
    const first = await startEmulator({ statePath: join(dir, 'state.json') });
    assert.equal((await create(first, { callback_url: callback.url })).status, 201);
    await first.close();
    const second = await startEmulator({ statePath: join(dir, 'state.json') });
    t.after(() => second.close());
    assert.equal(((await (await list(second)).json()) as unknown[]).length, 1);
    // Ids go on counting after a restart.
    await fetch(`${second.url}/api/v3/push_subscriptions/1?${form(second)}`, { method: 'DELETE' });
    assert.equal(((await (await create(second, { callback_url: callback.url })).json()) as { id: number }).id, 2);
  });
});

describe('event delivery', () => {
  async function subscribed(t: TestContext, options: EmulatorOptions = {}) {
    const setupResult = await setup(t, options);
    assert.equal((await create(setupResult.emu, { callback_url: setupResult.callback.url })).status, 201);
    return setupResult;
  }

  test('an event is POSTed as JSON with every field; acknowledged with 200, it is delivered in one attempt', async (t) => {
    const { emu, callback } = await subscribed(t);
    const delivery = await emu.sendWebhookEvent({ object_id: 42, updates: { title: 'Lunch Ride' }, aspect_type: 'update' });
    assert.equal(delivery.status, 'delivered');
    assert.equal(delivery.attempts.length, 1);
    const post = callback.received[1]!;
    assert.equal(post.method, 'POST');
    assert.deepEqual(JSON.parse(post.body), {
      object_type: 'activity',
      object_id: 42,
      aspect_type: 'update',
      updates: { title: 'Lunch Ride' },
      owner_id: 1,
      subscription_id: emu.pushSubscriptions()[0]!.id,
      event_time: Math.floor(emu.clock.now() / 1000),
    });
  });

  test('a callback that fails twice (500, then no answer in time) and then answers 200 gets 3 attempts, 1 s and 4 s apart', async (t) => {
    const { emu, callback, waits } = await subscribed(t, { webhooks: { timeoutMs: 200 } });
    callback.reply((request, index) => (index === 1 ? { status: 500 } : index === 2 ? 'hang' : echoChallenge(request)));
    const delivery = await emu.sendWebhookEvent();
    assert.deepEqual(
      delivery.attempts.map((a) => a.result),
      ['500', 'timeout', '200'],
    );
    assert.equal(delivery.status, 'delivered');
    assert.deepEqual(waits, [1000, 4000]);
    assert.equal(callback.received.length, 4);
  });

  test('a callback that never acknowledges is given up after 3 attempts in all', async (t) => {
    const { emu, callback } = await subscribed(t);
    callback.reply(() => ({ status: 204 }));
    const delivery = await emu.sendWebhookEvent();
    assert.equal(delivery.status, 'failed');
    assert.deepEqual(delivery.attempts.map((a) => a.result), ['204', '204', '204']);
  });

  test('a callback answering an endless body is cut at the size cap', async (t) => {
    const { emu, callback } = await subscribed(t, { webhooks: { maxResponseBytes: 1024 } });
    callback.reply(() => ({ status: 200, body: 'x'.repeat(5000) }));
    const delivery = await emu.sendWebhookEvent();
    assert.deepEqual(delivery.attempts.map((a) => a.result), ['too-large', 'too-large', 'too-large']);
  });

  test('POST /oauth/deauthorize sends the deauthorization event: athlete, update, authorized "false"', async (t) => {
    const { emu, callback } = await subscribed(t);
    const tokens = emu.issueTokens({ athleteId: 7, scopes: ['read'] });
    const response = await fetch(`${emu.url}/oauth/deauthorize`, { method: 'POST', headers: { authorization: `Bearer ${tokens.access_token}` } });
    assert.equal(response.status, 200);
    await emu.webhooksIdle();
    const event = JSON.parse(callback.received[1]!.body) as Record<string, unknown>;
    assert.deepEqual(
      { ...event, event_time: 0 },
      { object_type: 'athlete', object_id: 7, aspect_type: 'update', updates: { authorized: 'false' }, owner_id: 7, subscription_id: emu.pushSubscriptions()[0]!.id, event_time: 0 },
    );
  });

  test('POST /_emulator/webhooks/deauthorize plays the athlete removing the app in settings: tokens die, the event is sent', async (t) => {
    const { emu, callback } = await subscribed(t);
    const tokens = emu.issueTokens({ athleteId: 3, scopes: ['read'] });
    const response = await fetch(`${emu.url}/_emulator/webhooks/deauthorize`, { method: 'POST', body: JSON.stringify({ athleteId: 3, wait: true }) });
    assert.equal(response.status, 200);
    const { delivery } = (await response.json()) as { delivery: { status: string; event: Record<string, unknown> } };
    assert.equal(delivery.status, 'delivered');
    assert.deepEqual(delivery.event.updates, { authorized: 'false' });
    assert.equal(callback.received.length, 2);
    const introspect = await fetch(`${emu.url}/_emulator/introspect`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    assert.equal(introspect.status, 401);
  });

  test('POST /_emulator/webhooks/events completes a partial event; 202 at once, then GET /_emulator/webhooks shows the delivery', async (t) => {
    const { emu } = await subscribed(t);
    const response = await fetch(`${emu.url}/_emulator/webhooks/events`, { method: 'POST', body: JSON.stringify({ aspect_type: 'delete', object_id: 5 }) });
    assert.equal(response.status, 202);
    const { delivery } = (await response.json()) as { delivery: { id: number; event: Record<string, unknown> } };
    assert.equal(delivery.event.aspect_type, 'delete');
    await emu.webhooksIdle();
    const shown = (await (await fetch(`${emu.url}/_emulator/webhooks`)).json()) as { deliveries: Array<{ id: number; status: string; kind: string }> };
    assert.deepEqual(
      shown.deliveries.map((d) => [d.kind, d.status]),
      [
        ['check', 'delivered'],
        ['event', 'delivered'],
      ],
    );
  });

  const refused: Array<{ name: string; body: unknown; field: string }> = [
    { name: 'an unknown object_type', body: { object_type: 'club' }, field: 'event' },
    { name: 'an object_id of 1e308', body: { object_id: 1e308 }, field: 'event' },
    { name: 'a negative owner_id', body: { owner_id: -1 }, field: 'event' },
    { name: 'updates that are not flat', body: { updates: { nested: { a: 1 } } }, field: 'event' },
    { name: 'a huge update', body: { updates: { title: 'x'.repeat(9000) } }, field: 'event' },
    { name: 'an unknown clientId', body: { clientId: 999 }, field: 'clientId' },
    { name: 'a clientId of 1e308', body: { clientId: 1e308 }, field: 'clientId' },
  ];
  for (const { name, body, field } of refused) {
    test(`the event control route refuses ${name} with 400 naming ${field}`, async (t) => {
      const { emu } = await subscribed(t);
      const response = await fetch(`${emu.url}/_emulator/webhooks/events`, { method: 'POST', body: JSON.stringify(body) });
      assert.equal(response.status, 400);
      assert.equal(((await response.json()) as { errors: Array<{ field: string }> }).errors[0]!.field, field);
    });
  }

  test('without a subscription the event route answers 409 and the deauthorize route still deauthorizes', async (t) => {
    const emu = await startTestEmulator(t, { clock: new ManualClock({ frozen: true }) });
    const events = await fetch(`${emu.url}/_emulator/webhooks/events`, { method: 'POST', body: '{}' });
    assert.equal(events.status, 409);
    const deauth = await fetch(`${emu.url}/_emulator/webhooks/deauthorize`, { method: 'POST', body: JSON.stringify({ athleteId: 1 }) });
    assert.deepEqual(await deauth.json(), { delivery: null });
    const bad = await fetch(`${emu.url}/_emulator/webhooks/deauthorize`, { method: 'POST', body: JSON.stringify({ athleteId: 0.5 }) });
    assert.equal(bad.status, 400);
  });
});

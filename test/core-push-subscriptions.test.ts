/**
 * The read halves of the push subscription pairs, given Strava's answers as recorded by other
 * clients (both readings of a create's answer; the codes a failed check has been seen with).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CallbackNotVerifiedError } from '../src/core/errors/callback-not-verified-error.ts';
import { createPushSubscriptionRequest, deletePushSubscriptionRequest, listPushSubscriptionsRequest, processCreatePushSubscription, processDeletePushSubscription, processListPushSubscriptions } from '../src/core/push-subscriptions.ts';
import { InvalidCallbackUrlError } from '../src/core/errors/invalid-callback-url-error.ts';
import { MalformedResponseError } from '../src/core/errors/malformed-response-error.ts';
import { NotFoundError } from '../src/core/errors/not-found-error.ts';
import { StravaApiError } from '../src/core/errors/strava-api-error.ts';
import { SubscriptionExistsError } from '../src/core/errors/subscription-exists-error.ts';

const answer = (status: number, body: unknown) => ({ status, headers: new Headers(), text: typeof body === 'string' ? body : JSON.stringify(body) });
const config = { clientId: 12345, clientSecret: 'secret-abcdef', apiBaseUrl: 'http://127.0.0.1:9/api/v3' };

describe('push subscription requests', () => {
  test('create sends the credentials, callback and verify token as a form; list and delete as query parameters', async () => {
    const create = createPushSubscriptionRequest(config, { callbackUrl: 'https://app.example.com/webhook', verifyToken: 'vt' });
    assert.equal(create.url.href, 'http://127.0.0.1:9/api/v3/push_subscriptions');
    assert.equal(create.init.method, 'POST');
    assert.equal(String(create.init.body), 'client_id=12345&client_secret=secret-abcdef&callback_url=https%3A%2F%2Fapp.example.com%2Fwebhook&verify_token=vt');
    assert.equal(create.endpoint, 'POST /push_subscriptions');
    assert.equal(listPushSubscriptionsRequest(config).url.search, '?client_id=12345&client_secret=secret-abcdef');
    const del = deletePushSubscriptionRequest(config, 7);
    assert.equal(del.url.pathname, '/api/v3/push_subscriptions/7');
    assert.equal(del.endpoint, 'DELETE /push_subscriptions/{id}', 'the endpoint named in errors holds no secret');
    assert.throws(() => deletePushSubscriptionRequest(config, 0), RangeError);
  });

  for (const [url, problem] of [
    ['app.example.com/webhook', /not an absolute URL/],
    ['ftp://app.example.com/webhook', /https:\/\//],
    ['https://user:pw@app.example.com/webhook', /user name or password/],
    [`https://app.example.com/${'x'.repeat(240)}`, /at most 255/],
  ] as const) {
    test(`create refuses ${url.slice(0, 40)} before sending`, () => {
      assert.throws(() => createPushSubscriptionRequest(config, { callbackUrl: url, verifyToken: 'vt' }), (error: unknown) => error instanceof InvalidCallbackUrlError && problem.test(error.message));
    });
  }
});

describe('push subscription answers', () => {
  test('a create answered with the whole subscription, or with the id alone', () => {
    assert.deepEqual(processCreatePushSubscription(answer(201, { id: 3, application_id: 12345, callback_url: 'https://a.example/w', created_at: '2026-11-30T10:00:00Z', updated_at: '2026-11-30T10:00:00Z' })), {
      id: 3,
      applicationId: 12345,
      callbackUrl: 'https://a.example/w',
      createdAt: '2026-11-30T10:00:00Z',
      updatedAt: '2026-11-30T10:00:00Z',
    });
    assert.deepEqual(processCreatePushSubscription(answer(200, { id: 120475 })), { id: 120475 });
  });

  const failures: Array<{ name: string; body: unknown; error: new (...args: never[]) => Error; code: string }> = [
    { name: 'not verifiable', body: { message: 'Bad Request', errors: [{ resource: 'PushSubscription', field: 'callback url', code: 'not verifiable' }] }, error: CallbackNotVerifiedError, code: 'callback_not_verified' },
    { name: 'does not return 200', body: { message: 'Bad Request', errors: [{ resource: 'PushSubscription', field: 'callback url', code: 'GET to callback URL does not return 200' }] }, error: CallbackNotVerifiedError, code: 'callback_not_verified' },
    { name: 'already exists', body: { message: 'Bad Request', errors: [{ resource: 'PushSubscription', field: '', code: 'already exists' }] }, error: SubscriptionExistsError, code: 'push_subscription_exists' },
    { name: 'already exists, bare', body: { errors: [{ code: 'already exists' }] }, error: SubscriptionExistsError, code: 'push_subscription_exists' },
    { name: 'an invalid callback url', body: { message: 'Bad Request', errors: [{ resource: 'PushSubscription', field: 'callback url', code: 'invalid' }] }, error: StravaApiError, code: 'strava_error' },
  ];
  for (const { name, body, error, code } of failures) {
    test(`a create refused with "${name}" is ${error.name} (${code})`, () => {
      assert.throws(() => processCreatePushSubscription(answer(400, body)), (thrown: unknown) => thrown instanceof error && (thrown as StravaApiError).code === code);
    });
  }

  test('a list is zero or more subscriptions; anything else is a MalformedResponseError that quotes nothing', () => {
    assert.deepEqual(processListPushSubscriptions(answer(200, [])), []);
    assert.deepEqual(processListPushSubscriptions(answer(200, [{ id: 1, resource_state: 2, callback_url: 'https://a.example/w' }])), [{ id: 1, callbackUrl: 'https://a.example/w' }]);
    assert.throws(() => processListPushSubscriptions(answer(200, { id: 1 })), MalformedResponseError);
    assert.throws(() => processListPushSubscriptions(answer(200, [{ callback_url: 'x' }])), MalformedResponseError);
    assert.throws(() => processListPushSubscriptions(answer(200, 'secret-abcdef not json')), (error: unknown) => error instanceof MalformedResponseError && !error.message.includes('secret-abcdef'));
  });

  test('a delete is 204; a 404 is NotFoundError', () => {
    assert.equal(processDeletePushSubscription(answer(204, '')), undefined);
    assert.throws(() => processDeletePushSubscription(answer(404, { message: 'Resource Not Found', errors: [] })), NotFoundError);
  });
});

/**
 * Push subscriptions (protocol section 6) and their remote control:
 * - `POST /api/v3/push_subscriptions` checks the callback, then answers 201 with the subscription;
 * - `GET /api/v3/push_subscriptions` lists the app's (zero or one);
 * - `DELETE /api/v3/push_subscriptions/{id}` answers 204;
 * - `GET /_emulator/webhooks` shows subscriptions, checks and deliveries;
 * - `POST /_emulator/webhooks/events` sends any event (a partial one is completed);
 * - `POST /_emulator/webhooks/deauthorize` plays an athlete removing the app in Strava's settings.
 * The app authenticates with `client_id` and `client_secret` as parameters (query or form).
 */
import type { EmulatorContext } from '../context.ts';
import { checkNumber, InvalidControlValueError } from '../control-value.ts';
import { withJsonBody } from '../control-routes.ts';
import { applicationInactive, badRequest, invalidClientId, invalidClientSecret, type StravaFailure } from '../errors.ts';
import { empty, fail, json, readParams, type EmulatorResponse } from '../http.ts';
import type { Router } from '../router.ts';
import type { AppConfig } from '../types.ts';
import type { StartedDelivery } from './emulator-webhooks.ts';
import type { WebhookEventInput } from './types.ts';

/** Longest callback URL Strava takes. */
export const MAX_CALLBACK_URL_LENGTH = 255;

const PATH = '/api/v3/push_subscriptions';

/** Adds the push subscription endpoints and the webhook control routes. */
export function registerWebhookRoutes(router: Router, ctx: EmulatorContext): void {
  const { subscriptions, sender } = ctx.webhooks;

  router.add('POST', PATH, async (req) => {
    const params = await readParams(req);
    const app = authenticateApp(ctx, params);
    if ('status' in app) return fail(app);
    const callbackUrl = params.get('callback_url') ?? '';
    if (!isCallbackUrl(callbackUrl)) return fail(badRequest('PushSubscription', 'callback url', 'invalid'));
    const verifyToken = params.get('verify_token');
    if (!verifyToken) return fail(badRequest('PushSubscription', 'verify token', 'missing'));
    if (subscriptions.of(app.clientId)) return fail(badRequest('PushSubscription', '', 'already exists'));
    const check = await sender.check(app.clientId, callbackUrl, verifyToken);
    if (!check.ok) return fail(badRequest('PushSubscription', 'callback url', check.code));
    // Checked again: another create may have won while the callback was being asked.
    const created = subscriptions.add(app.clientId, callbackUrl);
    return created ? json(201, created) : fail(badRequest('PushSubscription', '', 'already exists'));
  });

  router.add('GET', PATH, async (req) => {
    const app = authenticateApp(ctx, await readParams(req));
    if ('status' in app) return fail(app);
    const subscription = subscriptions.of(app.clientId);
    return json(200, subscription ? [{ id: subscription.id, resource_state: 2, ...withoutId(subscription) }] : []);
  });

  router.add('DELETE', `${PATH}/{id}`, async (req) => {
    const app = authenticateApp(ctx, await readParams(req));
    if ('status' in app) return fail(app);
    const raw = req.pathParams.id ?? '';
    if (!/^\d{1,15}$/.test(raw) || !subscriptions.delete(app.clientId, Number(raw))) {
      return fail({ status: 404, body: { message: 'Resource Not Found', errors: [{ resource: 'PushSubscription', field: 'id', code: 'not found' }] } });
    }
    return empty(204);
  });

  const control = { control: true };
  router.add('GET', '/_emulator/webhooks', () => json(200, { subscriptions: subscriptions.snapshot(), deliveries: sender.deliveries() }), control);

  // Body: some event fields (object_type, object_id, aspect_type, updates, owner_id,
  // subscription_id, event_time), plus clientId (default: the default app) and wait.
  router.add(
    'POST',
    '/_emulator/webhooks/events',
    withJsonBody('event', async (body) => {
      const { clientId, wait, ...event } = (body ?? {}) as WebhookEventInput & { wait?: unknown };
      const app = controlApp(ctx, clientId);
      return answer(ctx.webhooks.emit(app.clientId, event, ctx.state.defaultAthleteId()), wait === true);
    }),
    control,
  );

  // Body: {"athleteId": 1, "clientId"?: 12345, "wait"?: true}.
  router.add(
    'POST',
    '/_emulator/webhooks/deauthorize',
    withJsonBody('deauthorize', async (body) => {
      const { athleteId, clientId, wait } = (body ?? {}) as { athleteId?: unknown; clientId?: unknown; wait?: unknown };
      const athlete = checkNumber(athleteId, 'athleteId', { min: 1, max: Number.MAX_SAFE_INTEGER, integer: true });
      const app = controlApp(ctx, clientId);
      return answer(deauthorizeInSettings(ctx, app.clientId, athlete), wait === true, true);
    }),
    control,
  );
}

/**
 * The athlete removes the app on strava.com/settings/apps: every grant dies, and the app's
 * subscription (if any) is told.
 */
export function deauthorizeInSettings(ctx: EmulatorContext, clientId: number, athleteId: number): StartedDelivery | null {
  ctx.state.deauthorize(clientId, athleteId);
  return ctx.webhooks.emitDeauthorization(clientId, athleteId);
}

async function answer(started: StartedDelivery | null, wait: boolean, noSubscriptionIsFine = false): Promise<EmulatorResponse> {
  if (!started) {
    if (noSubscriptionIsFine) return json(200, { delivery: null });
    const failure = badRequest('Emulator', 'subscription', 'missing');
    failure.status = 409;
    failure.body.message = 'The app has no push subscription: create one first (POST /api/v3/push_subscriptions).';
    return fail(failure);
  }
  return wait ? json(200, { delivery: await started.finished }) : json(202, { delivery: started.delivery });
}

function controlApp(ctx: EmulatorContext, clientId: unknown): AppConfig {
  if (clientId === undefined) return ctx.defaultApp;
  const app = ctx.state.app(checkNumber(clientId, 'clientId', { min: 1, max: Number.MAX_SAFE_INTEGER, integer: true }));
  if (!app) throw new InvalidControlValueError('clientId', 'the client id of an emulated app');
  return app;
}

function authenticateApp(ctx: EmulatorContext, params: Map<string, string>): AppConfig | StravaFailure {
  const app = ctx.state.appByParam(params.get('client_id'));
  if (!app) return invalidClientId();
  if (params.get('client_secret') !== app.clientSecret) return invalidClientSecret();
  if (app.inactive) return applicationInactive();
  return app;
}

/** An absolute http(s) URL of at most 255 characters, without userinfo. */
function isCallbackUrl(value: string): boolean {
  if (value.length === 0 || value.length > MAX_CALLBACK_URL_LENGTH) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}

function withoutId<T extends { id: number }>(record: T): Omit<T, 'id'> {
  const { id: _id, ...rest } = record;
  return rest;
}

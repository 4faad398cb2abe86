/**
 * The webhook side of `strava-auth serve` as a Hono sub-app, mounted at `/webhook`:
 * - `GET /` answers Strava's subscription check (protocol section 6);
 * - `POST /` takes an event, answers at once (Strava wants 200 within 2 s) and handles it after,
 *   through a small queue: a duplicate once, a deauthorization through `onDeauthorize`, and every
 *   new event forwarded, signed, to the app when a forward URL is set.
 *
 * Runtime-agnostic: web-standard Request/Response through Hono, WebCrypto, no `node:` imports.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { systemClock, type Clock } from '../core/clock.ts';
import type { AttemptLimits } from '../core/delivery-attempt.ts';
import { sha256Hex } from '../core/hex.ts';
import { defaultFetch, type FetchLike } from '../core/http.ts';
import { realSleep, retryDelay, type RetryPolicy, type Sleep } from '../core/retry.ts';
import { ForwardSecretMissingError } from './errors/forward-secret-missing-error.ts';
import { EventQueue } from './event-queue.ts';
import { DEFAULT_FORWARD_LIMITS, DEFAULT_FORWARD_RETRY, forwardEvent } from './event-forwarder.ts';
import { isDeauthorization, parseWebhookEvent, webhookEventKey, type WebhookEvent } from './webhook-event.ts';

/** Fields of a log line: ids, counts, outcomes; never a token, a secret or an event body. */
export type WebhookLogFields = Record<string, string | number | boolean | undefined>;

/**
 * Where the routes log: a short message (`webhook.deauthorized`) and its fields. A logger that
 * takes only the message fits too.
 */
export type WebhookLog = (message: string, fields?: WebhookLogFields) => void;

/** What the webhook routes use; `serve` wires them to its store and settings. */
export interface WebhookDeps {
  /** STRAVA_WEBHOOK_VERIFY_TOKEN: the check answers 403 to every request while it is unset. */
  verifyToken: string | undefined;
  /** The id of this app's push subscription; undefined when none is known (every event is then refused). */
  subscriptionId: () => Promise<number | undefined>;
  /** Records the event (see {@link webhookEventKey}) unless it was seen before; false = duplicate. */
  recordEventOnce(event: WebhookEvent): Promise<boolean>;
  /** Marks the athlete revoked and forgets their tokens. */
  onDeauthorize(athleteId: number): Promise<void>;
  /** Where events go next, signed with `forwardSecret` (both or neither). */
  forwardUrl?: string;
  forwardSecret?: string;
  fetch?: FetchLike;
  clock?: Clock;
  log?: WebhookLog;
  /** Waits between retries (forwarding, and store calls that failed); injected so tests never sleep. */
  sleep?: Sleep;
  /** Retries of forwarding and of failed store calls (default {@link DEFAULT_FORWARD_RETRY}). */
  retry?: RetryPolicy;
  /** Bounds of one forward (default 10 s, 64 KiB). */
  forwardLimits?: AttemptLimits;
  /** Events acknowledged but not yet handled, at most (default 1000); beyond, 503. */
  queueLimit?: number;
}

/** The routes plus a handle on the work they do after answering. */
export interface WebhookReceiver {
  routes: Hono;
  /** Resolves once every acknowledged event has been handled (for shutdown and tests). */
  idle(): Promise<void>;
}

/** Larger bodies are refused: a Strava event is a few hundred bytes. */
const MAX_EVENT_BYTES = 16 * 1024;
/** Longest challenge echoed back; Strava's are short random strings. */
const MAX_CHALLENGE_LENGTH = 1024;
/** The part of Strava's 2 s that may go to looking up the subscription id; past it, 503. */
const SUBSCRIPTION_LOOKUP_MS = 1500;

/**
 * The webhook routes, to mount with `app.route('/webhook', webhookRoutes(deps))`.
 *
 * @example
 * app.route('/webhook', webhookRoutes({
 *   verifyToken: env.STRAVA_WEBHOOK_VERIFY_TOKEN,
 *   subscriptionId: () => store.subscriptionId(),
 *   recordEventOnce: (event) => store.recordEventOnce(webhookEventKey(event)),
 *   onDeauthorize: (athleteId) => service.markRevoked(athleteId),
 * }));
 */
export function webhookRoutes(deps: WebhookDeps): Hono {
  return webhookReceiver(deps).routes;
}

/** {@link webhookRoutes} with {@link WebhookReceiver.idle}, for a server that drains on shutdown. */
export function webhookReceiver(deps: WebhookDeps): WebhookReceiver {
  if (deps.forwardUrl && !deps.forwardSecret) throw new ForwardSecretMissingError();
  const log = deps.log ?? (() => {});
  const handle = eventHandler(deps, log);
  const queue = new EventQueue<WebhookEvent>(deps.queueLimit ?? 1000, handle);
  const routes = new Hono();

  routes.get('/', async (c) => {
    const mode = c.req.query('hub.mode');
    const challenge = c.req.query('hub.challenge');
    const token = c.req.query('hub.verify_token') ?? '';
    if (mode !== 'subscribe' || !challenge || challenge.length > MAX_CHALLENGE_LENGTH) {
      return c.json({ error: { code: 'invalid_subscription_check', message: 'Expected hub.mode=subscribe with a hub.challenge.', remedy: 'This URL answers Strava’s push subscription check.' } }, 400);
    }
    if (deps.verifyToken === undefined || !(await sameSecret(token, deps.verifyToken))) {
      log('webhook.check_refused', { reason: deps.verifyToken === undefined ? 'no verify token configured' : 'wrong verify token' });
      return c.json({ error: { code: 'wrong_verify_token', message: 'The verify token does not match.', remedy: 'Create the subscription with the verify token set in STRAVA_WEBHOOK_VERIFY_TOKEN.' } }, 403);
    }
    log('webhook.check_answered');
    return c.json({ 'hub.challenge': challenge });
  });

  routes.post(
    '/',
    bodyLimit({
      maxSize: MAX_EVENT_BYTES,
      onError: (c) => c.json({ error: { code: 'event_too_large', message: `An event is at most ${MAX_EVENT_BYTES} bytes.`, remedy: 'Send Strava webhook events only.' } }, 413),
    }),
    async (c) => {
      const event = parseWebhookEvent(await c.req.text());
      if (!event) {
        log('webhook.malformed');
        return c.json({ error: { code: 'malformed_event', message: 'The body is not a Strava webhook event.', remedy: 'Send the JSON event Strava sends (object_type, object_id, aspect_type, owner_id, subscription_id, event_time).' } }, 400);
      }
      let expected: number | undefined;
      try {
        expected = await withinMs(deps.subscriptionId(), SUBSCRIPTION_LOOKUP_MS);
      } catch {
        log('webhook.unavailable', { reason: 'subscription lookup failed' });
        c.header('retry-after', '5');
        return c.json({ error: { code: 'unavailable', message: 'The event cannot be checked right now.', remedy: 'Strava retries the event.' } }, 503);
      }
      // Events are not signed: the subscription id is all that says Strava sent this event to this
      // app. A mismatch is refused with 403 (a well-formed request from the wrong sender), not 200,
      // so a forger learns nothing was done and an old subscription's retries show up in the logs.
      if (expected === undefined || event.subscription_id !== expected) {
        log('webhook.refused', { reason: expected === undefined ? 'no subscription known' : 'wrong subscription_id', subscription_id: event.subscription_id });
        return c.json({ error: { code: 'wrong_subscription', message: 'The event is not for this app’s push subscription.', remedy: 'Check strava-auth webhooks list.' } }, 403);
      }
      if (!queue.offer(event)) {
        log('webhook.queue_full', { queued: queue.size });
        c.header('retry-after', '5');
        return c.json({ error: { code: 'busy', message: 'Too many events waiting.', remedy: 'Strava retries the event.' } }, 503);
      }
      return c.json({ received: true });
    },
  );

  return { routes, idle: () => queue.idle() };
}

/** What happens to an acknowledged event. Never throws: failures are logged. */
function eventHandler(deps: WebhookDeps, log: WebhookLog): (event: WebhookEvent) => Promise<void> {
  const sleep = deps.sleep ?? realSleep;
  const retry = deps.retry ?? DEFAULT_FORWARD_RETRY;
  const forwarding = deps.forwardUrl && deps.forwardSecret ? { url: deps.forwardUrl, secret: deps.forwardSecret } : undefined;
  // The event was acknowledged already, so Strava will not send it again: a store call that fails
  // is retried here before the event is given up.
  const persist = async <T>(what: string, task: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await task();
      } catch (error) {
        log('webhook.step_failed', { step: what, attempt, error: error instanceof Error ? error.name : 'error' });
        if (attempt > retry.retries) throw error;
        await sleep(retryDelay(retry, attempt));
      }
    }
  };
  return async (event) => {
    const fields = { object_type: event.object_type, aspect_type: event.aspect_type, owner_id: event.owner_id, object_id: event.object_id };
    try {
      if (!(await persist('record', () => deps.recordEventOnce(event)))) {
        log('webhook.duplicate', { ...fields });
        return;
      }
      const deauthorization = isDeauthorization(event);
      if (deauthorization) await persist('deauthorize', () => deps.onDeauthorize(event.owner_id));
      log(deauthorization ? 'webhook.deauthorized' : 'webhook.recorded', { ...fields });
      if (!forwarding) return;
      const result = await forwardEvent(event, await eventId(event), {
        ...forwarding,
        fetch: deps.fetch ?? defaultFetch,
        clock: deps.clock ?? systemClock,
        sleep,
        retry,
        limits: deps.forwardLimits ?? DEFAULT_FORWARD_LIMITS,
      });
      log(result.delivered ? 'webhook.forwarded' : 'webhook.forward_failed', { attempts: result.attempts, last: result.last, ...fields });
    } catch {
      log('webhook.dropped', { ...fields });
    }
  };
}

/** SHA-256 of the event's key, hex: what the Strava-Auth-Event-Id header carries. */
function eventId(event: WebhookEvent): Promise<string> {
  return sha256Hex(webhookEventKey(event));
}

/** Compares two secrets in time independent of where they differ (digests of equal length, XORed). */
async function sameSecret(given: string, expected: string): Promise<boolean> {
  const hash = async (text: string) => new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  const [a, b] = await Promise.all([hash(given), hash(expected)]);
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}

function withinMs<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

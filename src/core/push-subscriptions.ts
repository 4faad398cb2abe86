/**
 * Push subscriptions (protocol section 6): the app asks Strava to POST events about its athletes
 * to one callback URL. Each call is a pair, after oauth4webapi: one function builds the request,
 * another reads the response into a typed result (or the typed error); `createPushSubscription`
 * and friends send it with an injected fetch. The app authenticates with its client id and secret
 * (form fields to create; query parameters to list and delete, as Strava wants them).
 */
import { systemClock, type Clock } from './clock.ts';
import { STRAVA_API_BASE_URL, joinUrl } from './endpoints.ts';
import { assertOk } from './error-response.ts';
import { InvalidCallbackUrlError } from './errors/invalid-callback-url-error.ts';
import { MalformedResponseError } from './errors/malformed-response-error.ts';
import { defaultFetch, fetchRequest, newRequest, type FetchLike, type ReadResponse } from './http.ts';
import { Redactor } from './redactor.ts';
import { limitsOf } from './request-limits.ts';

/** Longest callback URL Strava accepts. */
export const MAX_CALLBACK_URL_LENGTH = 255;

/** The app, and where Strava's API is. */
export interface PushSubscriptionConfig {
  clientId: string | number;
  clientSecret: string;
  /** Default https://www.strava.com/api/v3; the emulator's `/api/v3` in tests. */
  apiBaseUrl?: string;
  fetch?: FetchLike;
  clock?: Clock;
  /** Deadline of each request (default 30 s). */
  requestTimeoutMs?: number;
  /** Cap on each response body (default 8 MiB). */
  maxResponseBytes?: number;
}

/** A subscription. Strava has been seen answering a create with the id alone, so only `id` is sure. */
export interface PushSubscription {
  id: number;
  applicationId?: number;
  callbackUrl?: string;
  createdAt?: string;
  updatedAt?: string;
}

/** A request ready for fetch, and its name for messages (never the query: it holds the secret). */
export interface PushSubscriptionRequest {
  url: URL;
  init: RequestInit;
  endpoint: string;
}

/** Throws {@link InvalidCallbackUrlError} unless `url` is an absolute http(s) URL Strava would take. */
export function checkCallbackUrl(url: string): void {
  if (url.length > MAX_CALLBACK_URL_LENGTH) throw new InvalidCallbackUrlError(`is ${url.length} characters long; Strava takes at most ${MAX_CALLBACK_URL_LENGTH}`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidCallbackUrlError('is not an absolute URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new InvalidCallbackUrlError('must start with https:// (or http://)');
  if (parsed.username || parsed.password) throw new InvalidCallbackUrlError('must not hold a user name or password');
}

const PATH = '/push_subscriptions';

function base(config: PushSubscriptionConfig): string {
  return joinUrl(config.apiBaseUrl ?? STRAVA_API_BASE_URL, PATH);
}

function credentials(config: PushSubscriptionConfig): URLSearchParams {
  return new URLSearchParams({ client_id: String(config.clientId), client_secret: config.clientSecret });
}

/** `POST /push_subscriptions`: Strava checks the callback before it answers (see {@link checkCallbackUrl}). */
export function createPushSubscriptionRequest(config: PushSubscriptionConfig, options: { callbackUrl: string; verifyToken: string }): PushSubscriptionRequest {
  checkCallbackUrl(options.callbackUrl);
  const body = credentials(config);
  body.set('callback_url', options.callbackUrl);
  body.set('verify_token', options.verifyToken);
  return {
    url: new URL(base(config)),
    init: { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body },
    endpoint: `POST ${PATH}`,
  };
}

/** `GET /push_subscriptions?client_id&client_secret`. */
export function listPushSubscriptionsRequest(config: PushSubscriptionConfig): PushSubscriptionRequest {
  return { url: new URL(`${base(config)}?${credentials(config)}`), init: { method: 'GET', headers: { accept: 'application/json' } }, endpoint: `GET ${PATH}` };
}

/** `DELETE /push_subscriptions/{id}?client_id&client_secret`. */
export function deletePushSubscriptionRequest(config: PushSubscriptionConfig, id: number): PushSubscriptionRequest {
  if (!Number.isSafeInteger(id) || id <= 0) throw new RangeError(`A push subscription id is a positive integer; got ${id}.`);
  return { url: new URL(`${base(config)}/${id}?${credentials(config)}`), init: { method: 'DELETE', headers: { accept: 'application/json' } }, endpoint: `DELETE ${PATH}/{id}` };
}

/** Reads a create's answer: the subscription, or the typed error (CallbackNotVerifiedError, SubscriptionExistsError...). */
export function processCreatePushSubscription(response: ReadResponse, clock: Clock = systemClock, secrets: readonly string[] = []): PushSubscription {
  ensureOk(response, `POST ${PATH}`, clock, secrets);
  const subscription = readSubscription(parseJson(response));
  if (!subscription) throw new MalformedResponseError('no subscription id in the answer', response.status);
  return subscription;
}

/** Reads a list's answer: zero or one subscription (Strava allows one per app). */
export function processListPushSubscriptions(response: ReadResponse, clock: Clock = systemClock, secrets: readonly string[] = []): PushSubscription[] {
  ensureOk(response, `GET ${PATH}`, clock, secrets);
  const value = parseJson(response);
  if (!Array.isArray(value)) throw new MalformedResponseError('the subscription list is not a JSON array', response.status);
  return value.map((item) => {
    const subscription = readSubscription(item);
    if (!subscription) throw new MalformedResponseError('a listed subscription has no id', response.status);
    return subscription;
  });
}

/** Reads a delete's answer (204 and nothing else on success). */
export function processDeletePushSubscription(response: ReadResponse, clock: Clock = systemClock, secrets: readonly string[] = []): void {
  ensureOk(response, `DELETE ${PATH}/{id}`, clock, secrets);
}

/**
 * Creates the app's push subscription.
 *
 * @example
 * const subscription = await createPushSubscription(
 *   { clientId, clientSecret },
 *   { callbackUrl: 'https://app.example.com/webhook', verifyToken: process.env.STRAVA_WEBHOOK_VERIFY_TOKEN! },
 * );
 */
export async function createPushSubscription(config: PushSubscriptionConfig, options: { callbackUrl: string; verifyToken: string }): Promise<PushSubscription> {
  return processCreatePushSubscription(await sendPrepared(config, createPushSubscriptionRequest(config, options)), config.clock, [config.clientSecret]);
}

/** The app's push subscriptions (an empty list when it has none). */
export async function listPushSubscriptions(config: PushSubscriptionConfig): Promise<PushSubscription[]> {
  return processListPushSubscriptions(await sendPrepared(config, listPushSubscriptionsRequest(config)), config.clock, [config.clientSecret]);
}

/** Deletes push subscription `id`; a `NotFoundError` when the app has no such subscription. */
export async function deletePushSubscription(config: PushSubscriptionConfig, id: number): Promise<void> {
  processDeletePushSubscription(await sendPrepared(config, deletePushSubscriptionRequest(config, id)), config.clock, [config.clientSecret]);
}

function sendPrepared(config: PushSubscriptionConfig, request: PushSubscriptionRequest): Promise<ReadResponse> {
  // The client secret travels in the body or the query: a server that echoes it must not get it into an error.
  const redactor = new Redactor([config.clientSecret]);
  return fetchRequest(config.fetch ?? defaultFetch, newRequest(request.url, request.init), { endpoint: request.endpoint, limits: limitsOf(config), redactor });
}

/** `secrets`: what the request carried (the client secret), kept out of the error's text. */
function ensureOk(response: ReadResponse, endpoint: string, clock: Clock, secrets: readonly string[]): void {
  assertOk(response, { endpoint, clock, redactor: new Redactor(secrets) });
}

function parseJson(response: ReadResponse): unknown {
  try {
    return JSON.parse(response.text);
  } catch {
    throw new MalformedResponseError('the answer is not JSON', response.status);
  }
}

function readSubscription(value: unknown): PushSubscription | null {
  if (typeof value !== 'object' || value === null) return null;
  const raw = value as Record<string, unknown>;
  if (typeof raw.id !== 'number' || !Number.isSafeInteger(raw.id)) return null;
  const text = (key: string) => (typeof raw[key] === 'string' ? (raw[key] as string) : undefined);
  return {
    id: raw.id,
    ...(typeof raw.application_id === 'number' && { applicationId: raw.application_id }),
    ...(text('callback_url') !== undefined && { callbackUrl: text('callback_url') }),
    ...(text('created_at') !== undefined && { createdAt: text('created_at') }),
    ...(text('updated_at') !== undefined && { updatedAt: text('updated_at') }),
  };
}

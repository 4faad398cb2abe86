/**
 * What the webhook routes (the `webhooks` branch: `src/server/webhook-routes.ts`,
 * `webhookRoutes(deps: WebhookDeps): Hono`) need from the service, implemented on its stores.
 * The types are declared here structurally so this file compiles before that branch lands.
 *
 * SEAM(webhooks): once `src/server/webhook-routes.ts` is in main, the CLI passes its
 * `webhookReceiver` as `TokenServiceOptions.webhookRoutes` (see `src/cli/commands/serve.ts`),
 * and the local `WebhookEvent`/`WebhookDeps` below can be replaced by imports of theirs.
 */
import type { Hono } from 'hono';
import type { Clock } from '../core/clock.ts';
import { joinUrl } from '../core/endpoints.ts';
import { send, type FetchLike } from '../core/http.ts';
import type { AthleteTokens } from './athlete-tokens.ts';
import type { ServiceMetrics } from './metrics.ts';
import type { ServiceLog } from './service-log.ts';
import type { ServiceStore } from './service-store.ts';

/** A push event as Strava POSTs it (protocol section 6). */
export interface WebhookEvent {
  object_type: string;
  object_id: number;
  aspect_type: string;
  updates?: Record<string, unknown>;
  owner_id: number;
  subscription_id: number;
  event_time: number;
}

/** The dependencies of the webhook routes (the contract agreed with the `webhooks` branch). */
export interface WebhookDeps {
  verifyToken: string | undefined;
  subscriptionId: () => Promise<number | undefined>;
  /** False when the event was already recorded (a retried delivery). */
  recordEventOnce(event: WebhookEvent): Promise<boolean>;
  onDeauthorize(athleteId: number): Promise<void>;
  forwardUrl?: string;
  forwardSecret?: string;
  fetch?: FetchLike;
  clock?: Clock;
  log?: (message: string, fields?: Record<string, string | number | boolean | undefined>) => void;
}

/**
 * Builds the webhook sub-app from its dependencies: `webhookRoutes` (the routes alone) or
 * `webhookReceiver` (the routes and `idle()`, which shutdown waits for, so events acknowledged
 * to Strava are handled before the process exits).
 */
export type WebhookRoutesFactory = (deps: WebhookDeps) => Hono | { routes: Hono; idle(): Promise<void> };

/** The settings of the webhook side of the service. */
export interface WebhookSettings {
  /** `STRAVA_WEBHOOK_VERIFY_TOKEN`: what Strava's subscription check must present. */
  verifyToken?: string;
  /** `STRAVA_WEBHOOK_SUBSCRIPTION_ID`; when absent, asked of Strava (`GET /push_subscriptions`). */
  subscriptionId?: number;
  forwardUrl?: string;
  forwardSecret?: string;
}

/** How long a "no subscription" answer from Strava is believed before asking again. */
const SUBSCRIPTION_RECHECK_MS = 60_000;

/** The key under which an event is recorded: a retry carries the same fields. */
export function eventKey(event: WebhookEvent): string {
  return [event.subscription_id, event.object_type, event.object_id, event.aspect_type, event.event_time].join(':');
}

/** The webhook dependencies on the service's stores. */
export function webhookDeps(options: {
  settings: WebhookSettings;
  serviceStore: ServiceStore;
  athletes: AthleteTokens;
  oauth: { clientId: string | number; clientSecret: string; baseUrl?: string };
  apiBaseUrl: string;
  fetch: FetchLike;
  clock: Clock;
  metrics: ServiceMetrics;
  log: ServiceLog;
}): WebhookDeps {
  const { settings, serviceStore, athletes, oauth, fetch, clock, metrics, log } = options;
  let known: number | undefined = settings.subscriptionId;
  let checkedAt = -Infinity;
  return {
    verifyToken: settings.verifyToken,
    subscriptionId: async () => {
      if (known !== undefined || clock.now() - checkedAt < SUBSCRIPTION_RECHECK_MS) return known;
      checkedAt = clock.now();
      const url = new URL(joinUrl(options.apiBaseUrl, '/push_subscriptions'));
      url.searchParams.set('client_id', String(oauth.clientId));
      url.searchParams.set('client_secret', oauth.clientSecret);
      const response = await send(fetch, url, { headers: { accept: 'application/json' } }, { endpoint: 'GET /push_subscriptions', clock });
      const list = JSON.parse(response.text) as Array<{ id?: unknown }>;
      const id = Array.isArray(list) ? list.find((entry) => typeof entry?.id === 'number')?.id : undefined;
      known = typeof id === 'number' ? id : undefined;
      return known;
    },
    recordEventOnce: async (event) => {
      const fresh = await serviceStore.recordEventOnce(eventKey(event), clock.now());
      metrics.webhookEvents.inc({ object_type: String(event.object_type), aspect_type: String(event.aspect_type), outcome: fresh ? 'new' : 'duplicate' });
      return fresh;
    },
    onDeauthorize: async (athleteId) => {
      await athletes.revoked(athleteId, 'The athlete revoked access in Strava (deauthorization webhook).');
      log('info', 'athlete deauthorized', { athlete_id: athleteId });
    },
    ...(settings.forwardUrl ? { forwardUrl: settings.forwardUrl } : {}),
    ...(settings.forwardSecret ? { forwardSecret: settings.forwardSecret } : {}),
    fetch,
    clock,
    log: (message, fields) => log('info', message, fields),
  };
}

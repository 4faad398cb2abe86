/**
 * What the webhook sub-app (`webhook-routes.ts`) needs from the token service, implemented on its
 * stores: event dedupe in the service store, a deauthorization marking the athlete revoked (410
 * from then on, on every replica) and deleting their tokens, and the push subscription's id.
 */
import type { Hono } from 'hono';
import type { Clock } from '../core/clock.ts';
import type { FetchLike } from '../core/http.ts';
import { listPushSubscriptions } from '../core/push-subscriptions.ts';
import type { AthleteTokens } from './athlete-tokens.ts';
import type { ServiceMetrics } from './metrics.ts';
import type { ServiceLog } from './service-log.ts';
import type { ServiceStore } from './service-store.ts';
import { webhookEventKey } from './webhook-event.ts';
import type { WebhookDeps } from './webhook-routes.ts';

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

/** The webhook dependencies on the service's stores. */
export function webhookDeps(options: {
  settings: WebhookSettings;
  serviceStore: ServiceStore;
  athletes: AthleteTokens;
  oauth: { clientId: string | number; clientSecret: string };
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
      // Found once, believed for the life of the process (a new subscription means a restart).
      if (known !== undefined || clock.now() - checkedAt < SUBSCRIPTION_RECHECK_MS) return known;
      checkedAt = clock.now();
      const [subscription] = await listPushSubscriptions({ clientId: oauth.clientId, clientSecret: oauth.clientSecret, apiBaseUrl: options.apiBaseUrl, fetch, clock });
      known = subscription?.id;
      return known;
    },
    recordEventOnce: async (event) => {
      const fresh = await serviceStore.recordEventOnce(webhookEventKey(event), clock.now());
      metrics.webhookEvents.inc({ object_type: event.object_type, aspect_type: event.aspect_type, outcome: fresh ? 'new' : 'duplicate' });
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

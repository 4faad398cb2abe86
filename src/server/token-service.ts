/**
 * `strava-auth serve` as a Hono app: web-standard Request/Response, so the routes run on Node
 * (see `node-runner.ts`) and on any runtime Hono supports, over any TokenStore.
 */
import { Hono } from 'hono';
import { routePath } from 'hono/route';
import { monotonicClock, systemClock, type Clock } from '../core/clock.ts';
import { STRAVA_API_BASE_URL, joinUrl } from '../core/endpoints.ts';
import { defaultFetch, type FetchLike } from '../core/http.ts';
import { StravaAuthError } from '../core/errors/strava-auth-error.ts';
import type { OAuthConfig } from '../core/token-endpoint.ts';
import type { TokenStore } from '../tokens/token-store.ts';
import { ApiKeyVerifier } from './api-keys.ts';
import { AthleteTokens } from './athlete-tokens.ts';
import { errorResponse, notFoundResponse } from './error-response.ts';
import { DEFAULT_CACHE_MS } from './fresh-cache.ts';
import { InstrumentedStore } from './instrumented-store.ts';
import { ServiceMetrics } from './metrics.ts';
import { connectRoutes } from './routes/connect.ts';
import { opsRoutes } from './routes/ops.ts';
import { requestObserver } from './request-observer.ts';
import { API_BASE, tokenApiRoutes } from './routes/token-api.ts';
import { silentLog, type ServiceLog } from './service-log.ts';
import type { ServiceStore } from './service-store.ts';
import { webhookDeps, type WebhookRoutesFactory, type WebhookSettings } from './webhook-deps.ts';

/** Options of {@link createTokenService}. */
export interface TokenServiceOptions {
  /** Where athletes' tokens live (SQLite or PostgreSQL for several replicas). */
  store: TokenStore;
  /** The service's own state (pending logins, API keys, statuses, webhook events); same database. */
  serviceStore: ServiceStore;
  /** Your Strava app; `baseUrl` points at the emulator in tests. */
  oauth: OAuthConfig;
  /** The API base for push subscriptions (default: `<oauth.baseUrl>/api/v3`, else Strava's). */
  apiBaseUrl?: string;
  /** Where athletes' browsers reach the service (the callback is `<publicUrl>/callback`); a function when known only after listening. */
  publicUrl: string | (() => string);
  /** Keys from the environment (`STRAVA_AUTH_API_KEYS`), besides those in the service store. */
  apiKeys?: readonly string[];
  /** URL prefixes `/connect?return_to=` may name. */
  allowedReturnTo?: readonly string[];
  /** Unexpired pending logins kept at most, across replicas (default 10,000); when full, `/connect` answers 503. */
  maxPendingLogins?: number;
  clock?: Clock;
  fetch?: FetchLike;
  log?: ServiceLog;
  /** Least validity of a handed-out access token, in seconds (default 300). */
  marginSeconds?: number;
  /**
   * How long (ms, default 1000) a live API key and an athlete's token, once read from the stores,
   * are answered from memory. It bounds how long another replica's (or `serve keys revoke`'s)
   * change may go unseen here; changes made through this service are seen at once. 0 reads the
   * stores on every request.
   */
  cacheMs?: number;
  /** The webhook sub-app (the `webhooks` branch), mounted at `/webhook` when given. */
  webhookRoutes?: WebhookRoutesFactory;
  webhooks?: WebhookSettings;
}

/**
 * A running token service's parts. To serve it inside a Hono app of your own, hand it every
 * request: `app.all('*', (c) => service.fetch(c.req.raw))`.
 */
export interface TokenService {
  metrics: ServiceMetrics;
  athletes: AthleteTokens;
  /** The Fetch-API entry point: what a runtime adapter calls. */
  fetch: (request: Request) => Response | Promise<Response>;
  /** Resolves once work done after answering (webhook events) is finished: await it at shutdown. */
  idle(): Promise<void>;
}

/**
 * Builds the token service: the token API under `/v1` (API keys), `/connect` and `/callback` for
 * athletes' browsers, `/webhook` for Strava, `/healthz`, `/readyz`, `/metrics`. Every error is
 * answered (JSON on the API, a page in the browser); nothing a client sends throws out of `fetch`.
 *
 * @example
 * const service = createTokenService({ store, serviceStore, oauth: { clientId, clientSecret }, publicUrl: 'https://tokens.example.com' });
 * const server = await startNodeServer(service, { port: 8080 });
 */
export function createTokenService(options: TokenServiceOptions): TokenService {
  const clock = options.clock ?? options.oauth.clock ?? systemClock;
  const fetch = options.fetch ?? options.oauth.fetch ?? defaultFetch;
  const log = options.log ?? silentLog;
  const cacheMs = options.cacheMs ?? DEFAULT_CACHE_MS;
  // Cache lifetimes on a clock that a system time set back cannot stretch, unless one was injected.
  const cacheClock = clock === systemClock ? monotonicClock : clock;
  const metrics = new ServiceMetrics();
  const oauth: OAuthConfig = { ...options.oauth, clock, fetch };
  const store = new InstrumentedStore(options.store, (seconds) => metrics.lockWaits.observe(seconds));
  const { serviceStore } = options;
  const publicUrl = typeof options.publicUrl === 'function' ? options.publicUrl : () => options.publicUrl as string;
  const athletes = new AthleteTokens({
    store,
    serviceStore,
    oauth,
    clock,
    metrics,
    log,
    cacheMs,
    cacheClock,
    ...(options.marginSeconds === undefined ? {} : { marginSeconds: options.marginSeconds }),
  });
  const keys = new ApiKeyVerifier(serviceStore, options.apiKeys ?? [], { cacheMs, clock: cacheClock });

  if (cacheMs > 0) watchOtherReplicas(serviceStore, athletes, keys, log);

  const observe = requestObserver(metrics, log);
  const api = tokenApiRoutes({ athletes, keys, observe, log, now: () => clock.now() });

  // Everything else (pages, webhooks, operations): one middleware reports every request.
  const web = new Hono();
  web.use('*', async (c, next) => {
    const start = performance.now();
    c.header('x-content-type-options', 'nosniff');
    await next();
    const { status } = c.res;
    const matched = routePath(c, -1);
    observe(c.req.method, status === 404 && matched === '*' ? 'unmatched' : matched, c.req.path, status, start);
  });
  web.onError((error) => errorResponse(error, clock.now(), log));
  web.notFound(() => notFoundResponse());
  web.route('/', opsRoutes({ store, serviceStore, metrics, now: () => clock.now() }));
  web.route(
    '/',
    connectRoutes({ athletes, serviceStore, oauth, publicUrl, allowedReturnTo: options.allowedReturnTo ?? [], clock, log, maxPendingLogins: options.maxPendingLogins }),
  );
  let idle = async (): Promise<void> => {};
  if (options.webhookRoutes) {
    const apiBaseUrl = options.apiBaseUrl ?? (options.oauth.baseUrl ? joinUrl(options.oauth.baseUrl, '/api/v3') : STRAVA_API_BASE_URL);
    const deps = webhookDeps({ settings: options.webhooks ?? {}, serviceStore, athletes, oauth, apiBaseUrl, fetch, clock, metrics, log });
    const built = options.webhookRoutes(deps);
    if (built instanceof Hono) web.route('/webhook', built);
    else {
      web.route('/webhook', built.routes);
      idle = () => built.idle();
    }
  }
  return {
    metrics,
    athletes,
    // The token API is an app of its own (see tokenApiRoutes); Hono decodes the path it routes
    // on, so a path spelled another way lands in `web`, which has no /v1 routes: a 404.
    fetch: (request) => (isApiPath(request.url) ? api.fetch(request) : web.fetch(request)),
    idle: () => idle(),
  };
}

/**
 * Drops what the caches hold as soon as another replica announces a change, where the service
 * store can tell (PostgreSQL); elsewhere, and while it cannot, entries expire after cacheMs.
 */
function watchOtherReplicas(serviceStore: ServiceStore, athletes: AthleteTokens, keys: ApiKeyVerifier, log: ServiceLog): void {
  serviceStore
    .watch?.((change) => {
      if (change.kind !== 'keys') athletes.forgetCached(change.kind === 'athlete' ? change.athleteId : undefined);
      if (change.kind !== 'athlete') keys.forgetLive();
      if (change.kind === 'all' && change.reason === 'lost') log('warn', "lost the connection that hears other replicas' changes: caches emptied, listening again when it can");
      if (change.kind === 'all' && change.reason === 'back') log('info', "hearing other replicas' changes again");
    })
    .catch((error: unknown) => {
      // A StravaAuthError's message names the database (never its password) and what went wrong.
      log('warn', "not hearing other replicas' changes yet (still trying): they are seen within the cache time", {
        error: error instanceof Error ? error.name : typeof error,
        ...(error instanceof StravaAuthError ? { reason: error.message } : {}),
      });
    });
}

/** Whether a request URL's path is {@link API_BASE} or under it. */
function isApiPath(url: string): boolean {
  const path = url.indexOf('/', url.indexOf('://') + 3);
  if (path === -1 || !url.startsWith(API_BASE, path)) return false;
  const next = url[path + API_BASE.length];
  return next === undefined || next === '/' || next === '?' || next === '#';
}

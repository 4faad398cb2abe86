/**
 * `strava-auth serve` as a Hono app: web-standard Request/Response, so the routes run on Node
 * (see `node-runner.ts`) and on any runtime Hono supports, over any TokenStore.
 */
import { Hono } from 'hono';
import { routePath } from 'hono/route';
import { systemClock, type Clock } from '../core/clock.ts';
import { STRAVA_API_BASE_URL, joinUrl } from '../core/endpoints.ts';
import { defaultFetch, type FetchLike } from '../core/http.ts';
import type { OAuthConfig } from '../core/token-endpoint.ts';
import type { TokenStore } from '../tokens/token-store.ts';
import { ApiKeyVerifier } from './api-keys.ts';
import { AthleteTokens } from './athlete-tokens.ts';
import { errorAnswer, errorBody } from './error-response.ts';
import { InstrumentedStore } from './instrumented-store.ts';
import { ServiceMetrics } from './metrics.ts';
import { connectRoutes } from './routes/connect.ts';
import { opsRoutes } from './routes/ops.ts';
import { tokenApiRoutes } from './routes/token-api.ts';
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
  clock?: Clock;
  fetch?: FetchLike;
  log?: ServiceLog;
  /** Least validity of a handed-out access token, in seconds (default 300). */
  marginSeconds?: number;
  /** The webhook sub-app (the `webhooks` branch), mounted at `/webhook` when given. */
  webhookRoutes?: WebhookRoutesFactory;
  webhooks?: WebhookSettings;
}

/** A running token service's parts. */
export interface TokenService {
  app: Hono;
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
    ...(options.marginSeconds === undefined ? {} : { marginSeconds: options.marginSeconds }),
  });
  const keys = new ApiKeyVerifier(serviceStore, options.apiKeys ?? []);

  const app = new Hono();
  app.use('*', async (c, next) => {
    const start = performance.now();
    // Set before the handler answers: a header added to a finished response makes Hono copy it
    // into a streamed one, which costs a third of a cached token request.
    c.header('x-content-type-options', 'nosniff');
    await next();
    const matched = routePath(c, -1);
    const route = c.res.status === 404 && matched === '*' ? 'unmatched' : matched;
    metrics.requests.inc({ method: c.req.method, route, status: c.res.status });
    // The path only: a query may carry a code or a state.
    log('info', 'request', { method: c.req.method, route, path: c.req.path, status: c.res.status, ms: Math.round((performance.now() - start) * 10) / 10 });
  });
  app.onError((error, c) => {
    const answer = errorAnswer(error, clock.now());
    if (answer.status >= 500) log(answer.status === 500 ? 'error' : 'warn', 'request failed', { code: answer.code, error: error.name });
    if (answer.retryAfter !== undefined) c.header('retry-after', String(answer.retryAfter));
    if (answer.status === 401) c.header('www-authenticate', 'Bearer');
    c.header('cache-control', 'no-store');
    return c.json(errorBody(answer), answer.status as 400);
  });
  app.notFound((c) =>
    c.json(errorBody({ status: 404, code: 'not_found', message: 'No such route.', remedy: 'See the README of strava-auth serve for the routes.' }), 404),
  );

  app.route('/', opsRoutes({ store, serviceStore, metrics, now: () => clock.now() }));
  app.route('/v1', tokenApiRoutes(athletes, keys));
  app.route(
    '/',
    connectRoutes({ athletes, serviceStore, oauth, publicUrl, allowedReturnTo: options.allowedReturnTo ?? [], clock, log }),
  );
  let idle = async (): Promise<void> => {};
  if (options.webhookRoutes) {
    const apiBaseUrl = options.apiBaseUrl ?? (options.oauth.baseUrl ? joinUrl(options.oauth.baseUrl, '/api/v3') : STRAVA_API_BASE_URL);
    const deps = webhookDeps({ settings: options.webhooks ?? {}, serviceStore, athletes, oauth, apiBaseUrl, fetch, clock, metrics, log });
    const built = options.webhookRoutes(deps);
    if (built instanceof Hono) app.route('/webhook', built);
    else {
      app.route('/webhook', built.routes);
      idle = () => built.idle();
    }
  }
  return { app, metrics, athletes, fetch: (request) => app.fetch(request), idle: () => idle() };
}

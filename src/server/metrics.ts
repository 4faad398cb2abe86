import { Counter, Histogram, Registry } from 'prom-client';
import { remembered } from '../core/remembered.ts';

/**
 * The service's Prometheus metrics, in a registry of its own (several services in one process,
 * as in tests, never share counters). Labels are routes and outcomes, never ids or tokens.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'strava_auth_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly refreshes = new Counter({
    name: 'strava_auth_refreshes_total',
    help: 'Token refreshes that got new tokens from Strava (by this replica).',
    registers: [this.registry],
  });
  readonly refreshFailures = new Counter({
    name: 'strava_auth_refresh_failures_total',
    help: 'Token requests that needed a refresh and did not get one, by error code.',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly lockWaits = new Histogram({
    name: 'strava_auth_lock_wait_seconds',
    help: 'Time spent waiting for a token lock (in this process or behind another replica).',
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    registers: [this.registry],
  });
  readonly webhookEvents = new Counter({
    name: 'strava_auth_webhook_events_total',
    help: 'Webhook events received, by object type, aspect and whether they were new or duplicates.',
    labelNames: ['object_type', 'aspect_type', 'outcome'] as const,
    registers: [this.registry],
  });

  /** The request counter's series by method, route and status, looked up once each. */
  readonly #requestSeries = new Map<string, { inc(): void }>();

  /** Counts one answered request (on the hot path: the labelled series is kept, not rebuilt). */
  countRequest(method: string, route: string, status: number): void {
    // Routes are patterns and methods the few node parses, so this stays small; bounded anyway.
    remembered(this.#requestSeries, `${method} ${status} ${route}`, 1000, () => this.requests.labels({ method, route, status })).inc();
  }

  /** The Prometheus text exposition. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

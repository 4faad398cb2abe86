import type { ServiceMetrics } from './metrics.ts';
import type { ServiceLog } from './service-log.ts';

/**
 * Counts and logs one answered request: `route` is the matched pattern (`unmatched` for none),
 * `path` the path alone (a query may carry a code or a state), `startMs` a `performance.now()`
 * taken when the request came in.
 */
export type ObserveRequest = (method: string, route: string, path: string, status: number, startMs: number) => void;

/** The observer every route of the service reports to: the request counter and a log line. */
export function requestObserver(metrics: ServiceMetrics, log: ServiceLog): ObserveRequest {
  return (method, route, path, status, startMs) => {
    metrics.countRequest(method, route, status);
    log('info', 'request', { method, route, path, status, ms: Math.round((performance.now() - startMs) * 10) / 10 });
  };
}

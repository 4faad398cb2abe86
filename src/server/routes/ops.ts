import { Hono } from 'hono';
import type { TokenStore } from '../../tokens/token-store.ts';
import { errorAnswer, errorBody } from '../error-response.ts';
import type { ServiceMetrics } from '../metrics.ts';
import type { ServiceStore } from '../service-store.ts';

/** A key no athlete has: reading it proves the token store answers without touching anyone's record. */
const PROBE_KEY = 'readyz-probe';

/** `/healthz` (the process answers), `/readyz` (both stores answer), `/metrics` (Prometheus). */
export function opsRoutes(options: { store: TokenStore; serviceStore: ServiceStore; metrics: ServiceMetrics; now: () => number }): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    try {
      await options.serviceStore.ping();
      await options.store.get(PROBE_KEY);
      return c.json({ status: 'ready' });
    } catch (error) {
      const answer = errorAnswer(error, options.now());
      if (answer.retryAfter !== undefined) c.header('retry-after', String(answer.retryAfter));
      return c.json(errorBody({ ...answer, status: 503 }), 503);
    }
  });
  app.get('/metrics', async (c) => {
    c.header('content-type', options.metrics.contentType);
    return c.body(await options.metrics.text());
  });
  return app;
}

/**
 * What every API route does before and after its own work, in Strava's order: injected faults,
 * the access token (Authorization header only, as from 2027-06-01), the rate limits (every answer
 * after authentication carries the four headers), the endpoint's scopes (protocol section 7), and
 * finally the handler.
 */
import { STATUS_CODES } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { scopesForEndpoint } from '../../core/endpoint-scopes.ts';
import { effectiveScopes, missingScopes, type Scope } from '../../core/scopes.ts';
import type { EmulatorContext } from '../context.ts';
import { missingScope, rateLimitExceeded } from '../errors.ts';
import { fail, json, type EmulatorRequest, type EmulatorResponse } from '../http.ts';
import type { Router } from '../router.ts';
import type { SummaryAthlete } from '../types.ts';

/** Where Strava's API lives under the emulator's URL. */
export const API_PREFIX = '/api/v3';

/** An authenticated API request. */
export interface ApiCall {
  req: EmulatorRequest;
  athlete: SummaryAthlete;
  clientId: number;
  /** Granted scopes with implied ones added (`activity:read_all` brings `activity:read`). */
  scopes: readonly Scope[];
  /** Whether the token has `scope` (implied scopes count). */
  can(scope: Scope): boolean;
}

/** An API route's own work. */
export type ApiHandler = (call: ApiCall) => EmulatorResponse | Promise<EmulatorResponse>;

/** Requests that count only against the overall budget (protocol section 5). */
const OVERALL_ONLY = new Set(['POST /activities', 'POST /uploads']);

/**
 * Adds `METHOD /api/v3<path>` to the router. The scopes come from the core's endpoint table, the
 * same one the client checks before sending, so the two cannot disagree.
 */
export function addApiRoute(
  router: Router,
  ctx: EmulatorContext,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  handler: ApiHandler,
  options: { maxBodyBytes?: number } = {},
): void {
  const rule = scopesForEndpoint(method, path);
  if (!rule) throw new Error(`No scope rule for ${method} ${path} in the core's endpoint table.`);
  const template = `${API_PREFIX}${path}`;
  const overallOnly = OVERALL_ONLY.has(`${method} ${path}`);
  router.add(
    method,
    template,
    async (req) => {
      const api = ctx.api;
      const plan = api.faults.take(method, template);
      if (plan.latencyMs > 0) await delay(plan.latencyMs);
      if (plan.status5xx !== undefined) {
        return json(plan.status5xx, { message: STATUS_CODES[plan.status5xx] ?? 'Server Error', errors: [] });
      }
      const check = ctx.state.authenticate(req.headers.authorization);
      // Without a valid token Strava cannot tell whose budget to charge: no rate-limit headers.
      if (!check.ok) return fail(check.failure);
      const limit = api.rateLimits.count(check.clientId, overallOnly, plan.rateLimited);
      let response: EmulatorResponse;
      if (limit.exceeded) {
        response = fail(rateLimitExceeded());
      } else {
        const scopes = effectiveScopes(check.scopes as Scope[]);
        const missing = missingScopes(rule.needs, scopes);
        response = missing.length > 0
          ? fail(missingScope(`${missing[0]}_permission`))
          : await handler({ req, athlete: check.athlete, clientId: check.clientId, scopes, can: (scope) => scopes.includes(scope) });
      }
      Object.assign(response.headers, limit.headers);
      if (plan.drop) response.drop = true;
      return response;
    },
    options,
  );
}

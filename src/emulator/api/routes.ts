/**
 * The place for the emulated REST API (`/api/v3/...`, protocol sections 5 and 7). Empty for now:
 * the OAuth side is complete without it. Add routes here; `server.ts` already calls this.
 *
 * Each route authenticates with the state's shared helper, which gives the athlete, the scopes
 * and the client of the token, or Strava's 401 / 403 body:
 *
 * @example
 * router.add('GET', '/api/v3/athlete', (req) => {
 *   const check = ctx.state.authenticate(req.headers.authorization);
 *   if (!check.ok) return fail(check.failure);
 *   return json(200, check.athlete);
 * });
 */
import type { EmulatorContext } from '../context.ts';
import type { Router } from '../router.ts';

/** Registers the API routes (none yet). Unknown paths fall through to the server's 404. */
export function registerApiRoutes(router: Router, ctx: EmulatorContext): void {
  // Intentionally empty until the API side lands; see the example above.
}

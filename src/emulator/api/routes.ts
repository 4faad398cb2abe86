/**
 * The emulated REST API (`/api/v3/...`, protocol sections 5 and 7): athlete, activities and
 * uploads, each behind the shared pipeline of `api-route.ts` (faults, token, rate limits, scopes),
 * plus the API side's `/_emulator` control routes. `server.ts` calls {@link registerApiRoutes}.
 */
import type { EmulatorContext } from '../context.ts';
import type { Router } from '../router.ts';
import { registerActivityRoutes } from './activity-routes.ts';
import { registerAthleteRoutes } from './athlete-routes.ts';
import { registerApiControlRoutes } from './control-routes.ts';
import { registerUploadRoutes } from './upload-routes.ts';

/** Registers every API route. Unknown paths fall through to the server's 404. */
export function registerApiRoutes(router: Router, ctx: EmulatorContext): void {
  registerAthleteRoutes(router, ctx);
  registerActivityRoutes(router, ctx);
  registerUploadRoutes(router, ctx);
  registerApiControlRoutes(router, ctx);
}

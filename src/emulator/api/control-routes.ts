/**
 * `/_emulator/...` routes of the API side, so another process (a bench, a test in another
 * language, the CLI) can inject faults, set rate limits and seed activities. JSON in, JSON out;
 * errors in Strava's shape with resource `Emulator`, like the OAuth side's control routes.
 */
import type { EmulatorContext } from '../context.ts';
import { withJsonBody as withJson } from '../control-routes.ts';
import { badRequest } from '../errors.ts';
import { empty, fail, json } from '../http.ts';
import type { Router } from '../router.ts';
import { validateUploadProcessing } from './api-state.ts';
import { validateRateLimits } from './rate-limiter.ts';
import type { FaultSpec } from './types.ts';

/** Registers the API side's control routes. */
export function registerApiControlRoutes(router: Router, ctx: EmulatorContext): void {
  const control = { control: true };
  const { api } = ctx;

  router.add('GET', '/_emulator/faults', () => json(200, { faults: api.faults.list() }), control);
  // Body: one fault or a list; replaces the faults in force.
  router.add(
    'POST',
    '/_emulator/faults',
    withJson('faults', (body) => {
      api.faults.set((body ?? []) as FaultSpec | FaultSpec[]);
      return json(200, { faults: api.faults.list() });
    }),
    control,
  );
  router.add(
    'DELETE',
    '/_emulator/faults',
    () => {
      api.faults.clear();
      return empty(204);
    },
    control,
  );

  router.add(
    'GET',
    '/_emulator/rate-limits',
    (req) => {
      const raw = req.url.searchParams.get('client_id');
      if (raw !== null && !/^\d{1,15}$/.test(raw)) return fail(badRequest('Emulator', 'client_id', 'invalid'));
      const clientId = raw === null ? ctx.defaultApp.clientId : Number(raw);
      return json(200, { settings: api.rateLimits.settings, usage: api.rateLimits.usage(clientId) });
    },
    control,
  );
  // Body: some of {overall, read, headerCase, spaced}, plus {"resetUsage": true} to forget usage.
  router.add(
    'POST',
    '/_emulator/rate-limits',
    withJson('rateLimits', (body) => {
      const { resetUsage, ...settings } = (body ?? {}) as Record<string, unknown>;
      api.rateLimits.settings = validateRateLimits(settings, api.rateLimits.settings);
      if (resetUsage === true) api.rateLimits.reset();
      return json(200, { settings: api.rateLimits.settings });
    }),
    control,
  );

  // Body: {"athleteId": 1, "count": 2500}.
  router.add(
    'POST',
    '/_emulator/activities',
    withJson('activities', (body) => {
      const { athleteId, count } = (body ?? {}) as { athleteId?: unknown; count?: unknown };
      if (!(Number.isSafeInteger(athleteId) && (athleteId as number) > 0)) throw new Error('Send {"athleteId": <positive integer>, "count": <integer>}.');
      ctx.state.ensureAthlete(athleteId as number);
      api.activities.reseed(athleteId as number, count as number);
      return json(200, { athleteId, count });
    }),
    control,
  );

  // Body: some of {polls, seconds}.
  router.add(
    'POST',
    '/_emulator/upload-processing',
    withJson('uploadProcessing', (body) => {
      api.uploads.processing = validateUploadProcessing((body ?? {}) as object, api.uploads.processing);
      return json(200, api.uploads.processing);
    }),
    control,
  );
}

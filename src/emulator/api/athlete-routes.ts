/**
 * The athlete endpoints: `GET /athlete` (detailed with `profile:read_all`), `PUT /athlete`
 * (weight, FTP), `GET /athlete/zones`, `GET /athletes/{id}/stats` (own id only),
 * `GET /athlete/clubs` and `GET /gear/{id}`.
 */
import type { EmulatorContext } from '../context.ts';
import { fail, json, readParams } from '../http.ts';
import type { Router } from '../router.ts';
import { addApiRoute } from './api-route.ts';
import { forbidden, invalidParameter, recordNotFound } from './api-errors.ts';
import { athleteGear, detailedAthleteJson, statsJson, zonesJson } from './athlete-profile.ts';

/** Registers the athlete routes. */
export function registerAthleteRoutes(router: Router, ctx: EmulatorContext): void {
  const { api } = ctx;
  const detailed = (athleteId: number): Record<string, unknown> => {
    const athlete = ctx.state.athlete(athleteId)!;
    return detailedAthleteJson(athlete, api.extras(athleteId), api.activities.of(athleteId));
  };

  addApiRoute(router, ctx, 'GET', '/athlete', (call) =>
    json(200, call.can('profile:read_all') ? detailed(call.athlete.id) : call.athlete),
  );

  addApiRoute(router, ctx, 'PUT', '/athlete', async (call) => {
    const params = await readParams(call.req);
    const weight = params.get('weight');
    const ftp = params.get('ftp');
    const changes: { weight?: number } = {};
    if (weight !== undefined) {
      const kg = Number(weight);
      if (weight.trim() === '' || !Number.isFinite(kg) || kg <= 0 || kg > 500) return fail(invalidParameter('Athlete', 'weight'));
      changes.weight = kg;
    }
    if (ftp !== undefined) {
      const watts = Number(ftp);
      if (!Number.isSafeInteger(watts) || watts <= 0 || watts > 2000) return fail(invalidParameter('Athlete', 'ftp'));
      api.extras(call.athlete.id).ftp = watts;
    }
    const now = new Date(ctx.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    ctx.state.addAthlete({ ...call.athlete, ...changes, updated_at: now });
    return json(200, detailed(call.athlete.id));
  });

  addApiRoute(router, ctx, 'GET', '/athlete/zones', (call) => json(200, zonesJson(api.extras(call.athlete.id))));

  addApiRoute(router, ctx, 'GET', '/athletes/{id}/stats', (call) => {
    if (call.req.pathParams.id !== String(call.athlete.id)) return fail(forbidden('Athlete', 'id'));
    return json(200, statsJson(api.activities.of(call.athlete.id), ctx.clock.now()));
  });

  addApiRoute(router, ctx, 'GET', '/athlete/clubs', () => json(200, []));

  addApiRoute(router, ctx, 'GET', '/gear/{id}', (call) => {
    const { bikes, shoes } = athleteGear(call.athlete, api.activities.of(call.athlete.id));
    const gear = [...bikes, ...shoes].find((g) => g.id === call.req.pathParams.id);
    return gear ? json(200, { ...gear, resource_state: 3, brand_name: null, model_name: null, description: null }) : fail(recordNotFound('Gear'));
  });
}

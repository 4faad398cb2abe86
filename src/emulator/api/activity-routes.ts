/**
 * The activity endpoints: the athlete's list (paged, `before`/`after`, Only You activities left
 * out without `activity:read_all`), one activity, its laps/comments/kudos, creating a manual
 * activity and updating one (protocol section 7).
 */
import type { EmulatorContext } from '../context.ts';
import { missingScope } from '../errors.ts';
import { fail, json, readParams, type EmulatorResponse } from '../http.ts';
import type { Router } from '../router.ts';
import { detailedJson, forgetRendered, summaryText } from './activity-json.ts';
import { newActivity, type ActivityRecord } from './activity-record.ts';
import { gearIds } from './activity-seed.ts';
import { addApiRoute, type ApiCall } from './api-route.ts';
import { forbidden, invalidParameter, missingParameter, recordNotFound } from './api-errors.ts';
import { athleteGear } from './athlete-profile.ts';
import { placeOf, utcOffsetSeconds } from './places.ts';

/** Strava's default and largest page sizes. */
export const DEFAULT_PER_PAGE = 30;
export const MAX_PER_PAGE = 200;

function intParam(value: string | null, fallback: number): number {
  const n = value === null || value.trim() === '' ? Number.NaN : Number(value);
  return Number.isSafeInteger(n) ? n : fallback;
}

function optionalEpoch(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** A form or JSON boolean: `true`, `1`, `on`. */
function flag(value: string | undefined): boolean | undefined {
  return value === undefined ? undefined : ['true', '1', 'on', 'yes'].includes(value.toLowerCase());
}

/** Registers the activity routes. */
export function registerActivityRoutes(router: Router, ctx: EmulatorContext): void {
  const { activities } = ctx.api;

  addApiRoute(router, ctx, 'GET', '/athlete/activities', (call) => {
    const q = call.req.url.searchParams;
    // Strava clamps rather than refuses: page 0 is page 1, per_page over 200 is 200.
    const page = Math.max(1, intParam(q.get('page'), 1));
    const perPage = Math.min(MAX_PER_PAGE, Math.max(1, intParam(q.get('per_page'), DEFAULT_PER_PAGE)));
    const before = optionalEpoch(q.get('before'));
    const after = optionalEpoch(q.get('after'));
    const list = activities.page({
      viewerId: call.athlete.id,
      canReadAll: call.can('activity:read_all'),
      page,
      perPage,
      ...(before !== undefined && { before }),
      ...(after !== undefined && { after }),
    });
    const response = json(200, []);
    response.body = `[${list.map(summaryText).join(',')}]`;
    return response;
  });

  /** The activity the path names, as this token may see it, or the error Strava answers. */
  const readable = (call: ApiCall): ActivityRecord | EmulatorResponse => {
    const raw = call.req.pathParams.id ?? '';
    const activity = /^\d{1,16}$/.test(raw) ? activities.get(Number(raw)) : undefined;
    if (!activity) return fail(recordNotFound('Activity'));
    if (activity.visibility === 'only_me') {
      // Another athlete's Only You activity does not exist as far as this token is concerned.
      if (activity.athleteId !== call.athlete.id) return fail(recordNotFound('Activity'));
      if (!call.can('activity:read_all')) return fail(missingScope('activity:read_all_permission'));
    }
    return activity;
  };
  const gearOf = (activity: ActivityRecord) => {
    const athlete = ctx.state.athlete(activity.athleteId);
    if (!athlete || activity.gearId === null) return undefined;
    const { bikes, shoes } = athleteGear(athlete, activities.of(activity.athleteId));
    return [...bikes, ...shoes].find((g) => g.id === activity.gearId);
  };

  addApiRoute(router, ctx, 'GET', '/activities/{id}', (call) => {
    const activity = readable(call);
    return 'status' in activity ? activity : json(200, detailedJson(activity, gearOf(activity)));
  });

  addApiRoute(router, ctx, 'GET', '/activities/{id}/laps', (call) => {
    const activity = readable(call);
    return 'status' in activity ? activity : json(200, detailedJson(activity, undefined).laps);
  });

  for (const list of ['comments', 'kudos'] as const) {
    addApiRoute(router, ctx, 'GET', `/activities/{id}/${list}`, (call) => {
      const activity = readable(call);
      return 'status' in activity ? activity : json(200, []);
    });
  }

  addApiRoute(router, ctx, 'PUT', '/activities/{id}', async (call) => {
    const activity = readable(call);
    if ('status' in activity) return activity;
    if (activity.athleteId !== call.athlete.id) return fail(forbidden('Activity', 'id'));
    const params = await readParams(call.req);
    forgetRendered(activity);
    activities.changed(activity);
    const sport = params.get('sport_type') ?? params.get('type');
    if (params.has('name')) activity.name = params.get('name')!;
    if (sport !== undefined) activity.sportType = sport;
    if (params.has('description')) activity.description = params.get('description')!;
    if (params.has('gear_id')) {
      const gear = params.get('gear_id')!;
      const owned = Object.values(gearIds(call.athlete.id));
      if (gear !== 'none' && !owned.includes(gear)) return fail(invalidParameter('Activity', 'gear_id'));
      activity.gearId = gear === 'none' ? null : gear;
    }
    activity.trainer = flag(params.get('trainer')) ?? activity.trainer;
    activity.commute = flag(params.get('commute')) ?? activity.commute;
    activity.hideFromHome = flag(params.get('hide_from_home')) ?? activity.hideFromHome;
    const isPrivate = flag(params.get('private'));
    if (isPrivate !== undefined) activity.visibility = isPrivate ? 'only_me' : 'everyone';
    const visibility = params.get('visibility');
    if (visibility !== undefined) {
      if (!['everyone', 'followers_only', 'only_me'].includes(visibility)) return fail(invalidParameter('Activity', 'visibility'));
      activity.visibility = visibility as ActivityRecord['visibility'];
    }
    return json(200, detailedJson(activity, gearOf(activity)));
  });

  addApiRoute(router, ctx, 'POST', '/activities', async (call) => {
    const params = await readParams(call.req);
    const name = params.get('name');
    const sport = params.get('sport_type') ?? params.get('type');
    const startLocal = params.get('start_date_local');
    const elapsed = params.get('elapsed_time');
    for (const [field, value] of [['name', name], ['sport_type', sport], ['start_date_local', startLocal], ['elapsed_time', elapsed]] as const) {
      if (value === undefined || value.trim() === '') return fail(missingParameter('Activity', field));
    }
    // A local wall time: read as if UTC, then shifted by the athlete's zone at that moment.
    const wall = Date.parse(startLocal!.replace(/(Z|[+-]\d{2}:?\d{2})$/, '') + 'Z');
    const elapsedTime = Number(elapsed);
    if (!Number.isFinite(wall)) return fail(invalidParameter('Activity', 'start_date_local'));
    if (!Number.isSafeInteger(elapsedTime) || elapsedTime <= 0) return fail(invalidParameter('Activity', 'elapsed_time'));
    const distance = Number(params.get('distance') ?? 0);
    if (!Number.isFinite(distance) || distance < 0) return fail(invalidParameter('Activity', 'distance'));
    const place = placeOf(call.athlete);
    const startMs = wall - utcOffsetSeconds(place.timeZone, wall) * 1000;
    const created = activities.add(
      newActivity({
        athleteId: call.athlete.id,
        name: name!,
        sportType: sport!,
        startMs,
        timeZone: place.timeZone,
        distance,
        movingTime: elapsedTime,
        elapsedTime,
        trainer: flag(params.get('trainer')) ?? false,
        commute: flag(params.get('commute')) ?? false,
        manual: true,
        description: params.get('description') ?? null,
      }),
    );
    return json(201, detailedJson(created, undefined));
  });
}

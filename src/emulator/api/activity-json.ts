/**
 * Renders an {@link ActivityRecord} as Strava does: the summary of list endpoints
 * (resource_state 2) and the detailed activity of `GET /activities/{id}` (resource_state 3), with
 * the fields in the order of Strava's own example responses, including fields newer than the
 * 2018 Swagger models (`sport_type`, `visibility`, `utc_offset`…).
 */
import type { ActivityRecord } from './activity-record.ts';
import { timeZoneLabel, utcOffsetSeconds } from './places.ts';
import { encodePolyline, thin } from './polyline.ts';

/** Strava's date format: ISO 8601 without milliseconds. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The activity as it appears in `GET /athlete/activities`. */
export function summaryJson(activity: ActivityRecord): Record<string, unknown> {
  const offset = utcOffsetSeconds(activity.timeZone, activity.startMs);
  const start = activity.track[0];
  const end = activity.track.at(-1);
  const hasHeartrate = activity.averageHeartrate !== null;
  return {
    resource_state: 2,
    athlete: { id: activity.athleteId, resource_state: 1 },
    name: activity.name,
    distance: activity.distance,
    moving_time: activity.movingTime,
    elapsed_time: activity.elapsedTime,
    total_elevation_gain: activity.elevationGain,
    type: activity.sportType,
    sport_type: activity.sportType,
    workout_type: activity.workoutType,
    id: activity.id,
    external_id: activity.externalId,
    upload_id: activity.uploadId,
    start_date: isoSeconds(activity.startMs),
    // Strava writes local wall time with a `Z`, as if it were UTC.
    start_date_local: isoSeconds(activity.startMs + offset * 1000),
    timezone: timeZoneLabel(activity.timeZone, activity.startMs),
    utc_offset: offset,
    location_city: null,
    location_state: null,
    location_country: null,
    achievement_count: activity.achievements,
    kudos_count: activity.kudos,
    comment_count: activity.comments,
    athlete_count: activity.athleteCount,
    photo_count: 0,
    map: { id: `a${activity.id}`, summary_polyline: encodePolyline(thin(activity.track, 24)), resource_state: 2 },
    trainer: activity.trainer,
    commute: activity.commute,
    manual: activity.manual,
    private: activity.visibility === 'only_me',
    visibility: activity.visibility,
    flagged: false,
    gear_id: activity.gearId,
    // The 2018 models (and Strava then) use null for an activity without GPS.
    start_latlng: start ? [...start] : null,
    end_latlng: end ? [...end] : null,
    average_speed: activity.movingTime > 0 ? Math.round((activity.distance / activity.movingTime) * 1000) / 1000 : 0,
    max_speed: activity.maxSpeed,
    ...(activity.averageWatts !== null && {
      average_watts: activity.averageWatts,
      kilojoules: Math.round(((activity.averageWatts * activity.movingTime) / 1000) * 10) / 10,
      device_watts: activity.deviceWatts,
    }),
    ...(activity.maxWatts !== null && { max_watts: activity.maxWatts, weighted_average_watts: Math.round((activity.averageWatts ?? 0) * 1.08) }),
    has_heartrate: hasHeartrate,
    ...(hasHeartrate && { average_heartrate: activity.averageHeartrate, max_heartrate: activity.maxHeartrate }),
    heartrate_opt_out: false,
    display_hide_heartrate_option: hasHeartrate,
    ...(activity.elevHigh !== null && { elev_high: activity.elevHigh, elev_low: activity.elevLow }),
    upload_id_str: activity.uploadId === null ? null : String(activity.uploadId),
    pr_count: activity.prs,
    total_photo_count: 0,
    has_kudoed: false,
  };
}

/**
 * Rendered summaries, kept because rendering (time zones, polylines) costs more than the request
 * itself: a 200-item page would otherwise hold the emulator's event loop ~10 ms, serializing
 * concurrent requests that a benchmark wants to overlap.
 */
const rendered = new WeakMap<ActivityRecord, string>();

/** {@link summaryJson} as JSON text, rendered once per activity until {@link forgetRendered}. */
export function summaryText(activity: ActivityRecord): string {
  let text = rendered.get(activity);
  if (text === undefined) {
    text = JSON.stringify(summaryJson(activity));
    rendered.set(activity, text);
  }
  return text;
}

/** Drops the rendered summary of an activity that changed. */
export function forgetRendered(activity: ActivityRecord): void {
  rendered.delete(activity);
}

/** The activity as `GET /activities/{id}` returns it to its owner. */
export function detailedJson(activity: ActivityRecord, gear: { id: string; name: string; distance: number } | undefined): Record<string, unknown> {
  const summary = summaryJson(activity);
  const map = summary.map as Record<string, unknown>;
  const startDate = summary.start_date;
  const startDateLocal = summary.start_date_local;
  return {
    ...summary,
    resource_state: 3,
    map: { id: map.id, polyline: encodePolyline(activity.track), summary_polyline: map.summary_polyline, resource_state: 3 },
    description: activity.description,
    calories: activity.calories,
    photos: { primary: null, count: 0 },
    gear: gear ? { id: gear.id, primary: true, name: gear.name, resource_state: 2, distance: gear.distance } : null,
    segment_efforts: [],
    device_name: activity.deviceName,
    embed_token: embedToken(activity.id),
    ...(['Run', 'Walk', 'Hike'].includes(activity.sportType) && { splits_metric: splits(activity, 1000), splits_standard: splits(activity, 1609.34) }),
    laps: [
      {
        id: activity.id * 10 + 1,
        resource_state: 2,
        name: 'Lap 1',
        activity: { id: activity.id, resource_state: 1 },
        athlete: { id: activity.athleteId, resource_state: 1 },
        elapsed_time: activity.elapsedTime,
        moving_time: activity.movingTime,
        start_date: startDate,
        start_date_local: startDateLocal,
        distance: activity.distance,
        start_index: 0,
        end_index: Math.max(0, activity.track.length - 1),
        total_elevation_gain: activity.elevationGain,
        average_speed: summary.average_speed,
        max_speed: activity.maxSpeed,
        lap_index: 1,
        split: 1,
      },
    ],
    best_efforts: [],
    hide_from_home: activity.hideFromHome,
    available_zones: activity.averageHeartrate !== null ? ['heartrate'] : [],
  };
}

/** Even splits of `unit` meters (the last one shorter), as Strava lists them for runs. */
function splits(activity: ActivityRecord, unit: number): Array<Record<string, number>> {
  const count = Math.ceil(activity.distance / unit);
  const speed = activity.movingTime > 0 ? activity.distance / activity.movingTime : 0;
  const out: Array<Record<string, number>> = [];
  for (let i = 0; i < count && i < 100; i++) {
    const distance = Math.round(Math.min(unit, activity.distance - i * unit) * 10) / 10;
    const time = speed > 0 ? Math.round(distance / speed) : 0;
    out.push({ distance, elapsed_time: time, elevation_difference: 0, moving_time: time, split: i + 1, average_speed: Math.round(speed * 100) / 100, pace_zone: 0 });
  }
  return out;
}

/** A stable, token-shaped string (not a secret: Strava's embed tokens are public). */
function embedToken(id: number): string {
  let h = id;
  let out = '';
  while (out.length < 40) {
    h = (Math.imul(h ^ (h >>> 13), 0x5bd1e995) + 0x9e3779b9) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out.slice(0, 40);
}

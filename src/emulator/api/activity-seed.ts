/**
 * Seeded activities: a realistic history for an athlete (several sport types, local start times,
 * loops around their home town, heart rate and power where a device would record them, some
 * activities Only You or Followers), generated from a seed so every run produces the same list.
 */
import type { SummaryAthlete } from '../types.ts';
import type { ActivityRecord, SportType, Visibility } from './activity-record.ts';
import { placeOf, utcOffsetSeconds, type Place } from './places.ts';
import { haversineMeters, type LatLng } from './polyline.ts';
import { mixSeed, Prng } from './prng.ts';

/** How one sport is done: speed (m/s), typical distance (m), when, and what devices record. */
interface SportProfile {
  weight: number;
  speed: [number, number];
  distance: [number, number];
  /** Local start hours to pick from. */
  hours: readonly number[];
  indoor: boolean;
  gear: 'bike' | 'shoes' | null;
  watts: 'meter' | 'estimated' | null;
  names: readonly string[];
}

const SPORTS: ReadonlyArray<[SportType, SportProfile]> = [
  ['Ride', { weight: 34, speed: [6, 9], distance: [18_000, 120_000], hours: [7, 8, 9, 10, 14, 17, 18], indoor: false, gear: 'bike', watts: 'estimated', names: ['Coffee loop', 'Gravel exploration', 'Long ride', 'Recovery spin', 'Commute home'] }],
  ['Run', { weight: 30, speed: [2.6, 4], distance: [4_000, 21_500], hours: [6, 7, 12, 12, 18, 19], indoor: false, gear: 'shoes', watts: null, names: ['Tempo', 'Long run', 'Hill repeats', 'Intervals on the track', 'Easy miles'] }],
  ['Walk', { weight: 10, speed: [1.2, 1.6], distance: [1_500, 8_000], hours: [8, 12, 13, 17, 20], indoor: false, gear: 'shoes', watts: null, names: ['Walk with the dog', 'Lunch stroll'] }],
  ['Hike', { weight: 6, speed: [0.9, 1.4], distance: [5_000, 22_000], hours: [8, 9, 10], indoor: false, gear: 'shoes', watts: null, names: ['Ridge traverse', 'Summit day'] }],
  ['Swim', { weight: 7, speed: [0.6, 1], distance: [1_000, 4_000], hours: [6, 7, 12, 19], indoor: true, gear: null, watts: null, names: ['Pool session', 'Technique drills'] }],
  ['VirtualRide', { weight: 9, speed: [7, 10], distance: [15_000, 60_000], hours: [6, 18, 19, 20], indoor: true, gear: 'bike', watts: 'meter', names: ['Zwift - Watopia', 'Sweet spot intervals'] }],
  ['WeightTraining', { weight: 4, speed: [0, 0], distance: [0, 0], hours: [7, 18, 19], indoor: true, gear: null, watts: null, names: ['Strength'] }],
];

const WEIGHTED = SPORTS.map(([type, profile]) => [type, profile.weight] as const);
const PROFILES = new Map(SPORTS);

/** The id of an athlete's seeded activity number `index`, the oldest being 0. */
export function seededActivityId(athleteId: number, index: number): number {
  return 10_000_000_000 + athleteId * 1_000_000 + index;
}

/** The athlete a seeded activity id belongs to, or undefined for ids outside the seeded range. */
export function seededOwner(id: number): number | undefined {
  if (!Number.isSafeInteger(id) || id < 10_000_000_000) return undefined;
  return Math.floor((id - 10_000_000_000) / 1_000_000);
}

/** The most activities one athlete can be seeded with (ids must not collide). */
export const MAX_SEEDED_ACTIVITIES = 999_999;

/** The athlete's gear ids: one bike and one pair of shoes, as Strava writes them (`b…`, `g…`). */
export function gearIds(athleteId: number): { bike: string; shoes: string } {
  return { bike: `b${1_000_000 + athleteId}`, shoes: `g${2_000_000 + athleteId}` };
}

/** Strava's default activity name for a local start hour: `Morning Ride`, `Lunch Run`… */
export function defaultActivityName(sportType: string, localHour: number): string {
  const part = localHour < 4 ? 'Night' : localHour < 11 ? 'Morning' : localHour < 14 ? 'Lunch' : localHour < 17 ? 'Afternoon' : localHour < 21 ? 'Evening' : 'Night';
  const noun: Record<string, string> = { VirtualRide: 'Virtual Ride', WeightTraining: 'Weight Training' };
  return `${part} ${noun[sportType] ?? sportType}`;
}

/**
 * `count` activities for `athlete`, newest first, the newest starting the day before `anchorMs`
 * and the others going back roughly a day apart.
 */
export function seedActivities(athlete: SummaryAthlete, count: number, options: { seed: number; anchorMs: number }): ActivityRecord[] {
  const prng = new Prng(mixSeed(options.seed, athlete.id));
  const place = placeOf(athlete);
  const gear = gearIds(athlete.id);
  const activities: ActivityRecord[] = [];
  let dayMs = Math.floor(options.anchorMs / 86_400_000) * 86_400_000;
  for (let index = 0; index < count; index++) {
    dayMs -= Math.round(prng.between(0.3, 1.7)) * 86_400_000;
    activities.push(seedOne(prng, athlete.id, dayMs, place, gear));
  }
  // Two activities on one day may come out of order; ids then follow time, as Strava's do.
  activities.sort((a, b) => b.startMs - a.startMs);
  const newestId = seededActivityId(athlete.id, count - 1);
  activities.forEach((activity, index) => {
    activity.id = newestId - index;
    activity.externalId = `garmin_ping_${activity.id % 1_000_000_000}`;
    activity.uploadId = activity.id + 1_000_000_000;
  });
  return activities;
}

function seedOne(prng: Prng, athleteId: number, dayMs: number, place: Place, gear: { bike: string; shoes: string }): ActivityRecord {
  const sportType = prng.weighted(WEIGHTED);
  const profile = PROFILES.get(sportType)!;
  const localHour = prng.pick(profile.hours);
  const localStart = dayMs + localHour * 3_600_000 + prng.int(0, 59) * 60_000 + prng.int(0, 59) * 1000;
  const startMs = localStart - utcOffsetSeconds(place.timeZone, localStart) * 1000;
  const speed = prng.between(profile.speed[0], profile.speed[1]);
  const distance = Math.round(prng.between(profile.distance[0], profile.distance[1]) * 10) / 10;
  const movingTime = speed > 0 ? Math.round(distance / speed) : prng.int(1800, 4500);
  const elapsedTime = Math.round(movingTime * prng.between(1, profile.indoor ? 1.02 : 1.25));
  const climbs = !profile.indoor;
  const elevationGain = climbs ? Math.round(distance * place.hilliness * prng.between(0.4, 1.6) * 10) / 10 : 0;
  const track = climbs ? loopTrack(prng, place.center, distance) : [];
  const hasHeartrate = prng.chance(0.7);
  const averageHeartrate = hasHeartrate ? Math.round(prng.between(118, 162) * 10) / 10 : null;
  const meter = profile.watts === 'meter' || (profile.watts === 'estimated' && prng.chance(0.5));
  const averageWatts = profile.watts ? Math.round(prng.between(meter ? 150 : 110, meter ? 260 : 190) * 10) / 10 : null;
  const visibility: Visibility = prng.weighted([['everyone', 82], ['followers_only', 10], ['only_me', 8]]);
  const kilojoules = averageWatts !== null ? (averageWatts * movingTime) / 1000 : 0;
  return {
    id: 0, // assigned once the list is in order
    athleteId,
    name: prng.chance(0.25) ? prng.pick(profile.names) : defaultActivityName(sportType, localHour),
    sportType,
    startMs,
    timeZone: place.timeZone,
    distance,
    movingTime,
    elapsedTime,
    elevationGain,
    elevLow: climbs ? Math.round((place.altitude - prng.between(0, 10)) * 10) / 10 : null,
    elevHigh: climbs ? Math.round((place.altitude + elevationGain * prng.between(0.2, 0.6)) * 10) / 10 : null,
    track,
    maxSpeed: Math.round(speed * prng.between(1.3, 2.1) * 1000) / 1000,
    trainer: sportType === 'VirtualRide',
    commute: sportType === 'Ride' && prng.chance(0.1),
    manual: sportType === 'WeightTraining' && prng.chance(0.5),
    visibility,
    gearId: profile.gear === 'bike' ? gear.bike : profile.gear === 'shoes' ? gear.shoes : null,
    workoutType: sportType === 'Run' ? prng.weighted([[0, 70], [1, 5], [2, 15], [3, 10]]) : sportType === 'Ride' ? prng.weighted([[10, 90], [12, 10]]) : null,
    kudos: prng.int(0, 40),
    comments: prng.chance(0.2) ? prng.int(1, 5) : 0,
    achievements: prng.chance(0.3) ? prng.int(1, 20) : 0,
    prs: prng.chance(0.15) ? prng.int(1, 4) : 0,
    athleteCount: prng.chance(0.2) ? prng.int(2, 6) : 1,
    averageHeartrate,
    maxHeartrate: averageHeartrate === null ? null : Math.round(averageHeartrate + prng.between(15, 35)),
    averageWatts,
    maxWatts: meter && averageWatts !== null ? Math.round(averageWatts * prng.between(2.5, 4)) : null,
    deviceWatts: meter,
    calories: Math.round(kilojoules > 0 ? kilojoules * 1.05 : movingTime * prng.between(0.12, 0.2)),
    description: prng.chance(0.15) ? prng.pick(['Legs felt good.', 'Windy out there.', 'New route!', 'Easy day.']) : null,
    deviceName: profile.indoor && sportType !== 'VirtualRide' ? null : prng.pick(['Garmin Edge 540', 'Garmin Forerunner 265', 'Wahoo ELEMNT BOLT', 'Strava App', 'COROS PACE 3']),
    externalId: null,
    uploadId: null,
    hideFromHome: false,
  };
}

/** A wobbly loop of about `distance` meters that starts and ends near `center`. */
function loopTrack(prng: Prng, center: LatLng, distance: number): LatLng[] {
  const points = 80;
  const radius = distance / (2 * Math.PI);
  const heading = prng.between(0, 2 * Math.PI);
  // The loop's center sits `radius` away from home, so the loop passes through home.
  const mPerLat = 111_320;
  const mPerLng = 111_320 * Math.cos((center[0] * Math.PI) / 180);
  const cx = center[1] + (Math.cos(heading) * radius) / mPerLng;
  const cy = center[0] + (Math.sin(heading) * radius) / mPerLat;
  const track: LatLng[] = [];
  for (let i = 0; i <= points; i++) {
    const angle = heading + Math.PI + (2 * Math.PI * i) / points;
    const wobble = 1 + prng.between(-0.08, 0.08);
    track.push([
      Math.round((cy + (Math.sin(angle) * radius * wobble) / mPerLat) * 1e6) / 1e6,
      Math.round((cx + (Math.cos(angle) * radius * wobble) / mPerLng) * 1e6) / 1e6,
    ]);
  }
  return track;
}

/** The length of a track in meters. */
export function trackLength(track: readonly LatLng[]): number {
  let total = 0;
  for (let i = 1; i < track.length; i++) total += haversineMeters(track[i - 1]!, track[i]!);
  return total;
}

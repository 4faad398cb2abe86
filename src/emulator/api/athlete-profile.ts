/**
 * The athlete beyond the summary: the detailed athlete of `GET /athlete` with
 * `profile:read_all`, heart-rate and power zones, and the stats of `GET /athletes/{id}/stats`
 * computed from the athlete's activities.
 */
import type { SummaryAthlete } from '../types.ts';
import type { ActivityRecord } from './activity-record.ts';
import { gearIds } from './activity-seed.ts';

/** Profile fields the emulator keeps beside the summary athlete (`PUT /athlete` may change them). */
export interface AthleteExtras {
  ftp: number | null;
}

/** The gear the athlete owns, with the distance logged on each. */
export function athleteGear(athlete: SummaryAthlete, activities: readonly ActivityRecord[]): { bikes: GearJson[]; shoes: GearJson[] } {
  const ids = gearIds(athlete.id);
  const logged = (id: string): number => Math.round(activities.filter((a) => a.gearId === id).reduce((sum, a) => sum + a.distance, 0));
  return {
    bikes: [{ id: ids.bike, primary: true, name: `${athlete.firstname}'s road bike`, resource_state: 2, distance: logged(ids.bike) }],
    shoes: [{ id: ids.shoes, primary: true, name: 'Daily trainers', resource_state: 2, distance: logged(ids.shoes) }],
  };
}

/** Strava's SummaryGear. */
export interface GearJson {
  id: string;
  primary: boolean;
  name: string;
  resource_state: number;
  distance: number;
}

/** `GET /athlete` with `profile:read_all`: resource_state 3 and the private fields. */
export function detailedAthleteJson(athlete: SummaryAthlete, extras: AthleteExtras, activities: readonly ActivityRecord[]): Record<string, unknown> {
  return {
    ...athlete,
    resource_state: 3,
    follower_count: 12 + (athlete.id % 40),
    friend_count: 9 + (athlete.id % 30),
    measurement_preference: 'meters',
    ftp: extras.ftp,
    clubs: [],
    ...athleteGear(athlete, activities),
  };
}

/** `GET /athlete/zones`: five heart-rate zones, and power zones when the FTP is known. */
export function zonesJson(extras: AthleteExtras): Record<string, unknown> {
  const hr = [0, 123, 153, 169, 184, -1];
  const zones: Record<string, unknown> = {
    heart_rate: { custom_zones: false, zones: hr.slice(0, -1).map((min, i) => ({ min, max: hr[i + 1]! })) },
  };
  if (extras.ftp !== null) {
    // Coggan's seven power zones as fractions of FTP.
    const bounds = [0, 0.55, 0.75, 0.9, 1.05, 1.2, 1.5].map((f) => Math.round(f * extras.ftp!));
    zones.power = { zones: bounds.map((min, i) => ({ min, max: bounds[i + 1] ?? -1 })) };
  }
  return zones;
}

const SPORT_GROUPS: Readonly<Record<'ride' | 'run' | 'swim', readonly string[]>> = {
  ride: ['Ride', 'VirtualRide', 'EBikeRide'],
  run: ['Run', 'VirtualRun'],
  swim: ['Swim'],
};

/**
 * `GET /athletes/{id}/stats`. As on Strava, only activities visible to Everyone count; "recent"
 * is the last four weeks and "ytd" the calendar year (UTC) of `nowMs`.
 */
export function statsJson(activities: readonly ActivityRecord[], nowMs: number): Record<string, unknown> {
  const counted = activities.filter((a) => a.visibility === 'everyone');
  const recentFrom = nowMs - 28 * 86_400_000;
  const yearFrom = Date.UTC(new Date(nowMs).getUTCFullYear(), 0, 1);
  const total = (group: readonly string[], from: number): Record<string, number> => {
    const chosen = counted.filter((a) => group.includes(a.sportType) && a.startMs >= from && a.startMs <= nowMs);
    const sum = (f: (a: ActivityRecord) => number): number => chosen.reduce((s, a) => s + f(a), 0);
    return {
      count: chosen.length,
      distance: Math.round(sum((a) => a.distance) * 10) / 10,
      moving_time: sum((a) => a.movingTime),
      elapsed_time: sum((a) => a.elapsedTime),
      elevation_gain: Math.round(sum((a) => a.elevationGain) * 10) / 10,
      achievement_count: sum((a) => a.achievements),
    };
  };
  const rides = counted.filter((a) => SPORT_GROUPS.ride.includes(a.sportType));
  const out: Record<string, unknown> = {
    biggest_ride_distance: rides.reduce((max, a) => Math.max(max, a.distance), 0),
    biggest_climb_elevation_gain: rides.reduce((max, a) => Math.max(max, a.elevationGain), 0),
  };
  for (const [window, from] of [['recent', recentFrom], ['all', Number.NEGATIVE_INFINITY], ['ytd', yearFrom]] as const) {
    for (const sport of ['ride', 'run', 'swim'] as const) out[`${window}_${sport}_totals`] = total(SPORT_GROUPS[sport], from);
  }
  return out;
}

/**
 * What the emulator remembers about one activity: plain facts, from which `activity-json.ts`
 * renders Strava's summary and detailed JSON. Seeded, created and uploaded activities all share it.
 */
import type { LatLng } from './polyline.ts';

/** The sport types the emulator generates or accepts (all in Strava's `ActivityType` enum). */
export type SportType = 'Ride' | 'Run' | 'Swim' | 'Walk' | 'Hike' | 'VirtualRide' | 'WeightTraining' | 'Yoga' | (string & {});

/** Who may see an activity. `only_me` is Strava's "Only You": it needs `activity:read_all`. */
export type Visibility = 'everyone' | 'followers_only' | 'only_me';

/** One activity. Times are ms since the epoch or seconds, distances meters. */
export interface ActivityRecord {
  id: number;
  athleteId: number;
  name: string;
  sportType: SportType;
  startMs: number;
  /** IANA zone of the start, for `start_date_local`, `timezone` and `utc_offset`. */
  timeZone: string;
  distance: number;
  movingTime: number;
  elapsedTime: number;
  elevationGain: number;
  elevLow: number | null;
  elevHigh: number | null;
  /** The full track (the detailed polyline); empty for indoor activities. */
  track: LatLng[];
  maxSpeed: number;
  trainer: boolean;
  commute: boolean;
  manual: boolean;
  visibility: Visibility;
  gearId: string | null;
  workoutType: number | null;
  kudos: number;
  comments: number;
  achievements: number;
  prs: number;
  athleteCount: number;
  averageHeartrate: number | null;
  maxHeartrate: number | null;
  averageWatts: number | null;
  maxWatts: number | null;
  deviceWatts: boolean;
  calories: number;
  description: string | null;
  deviceName: string | null;
  externalId: string | null;
  uploadId: number | null;
  hideFromHome: boolean;
}

/** What a new activity (manual or uploaded) must say; everything else starts at zero or none. */
export type NewActivityFields = Pick<ActivityRecord, 'athleteId' | 'name' | 'sportType' | 'startMs' | 'timeZone' | 'distance' | 'movingTime' | 'elapsedTime'> &
  Partial<Omit<ActivityRecord, 'id'>>;

/** A new activity: no kudos, comments, heart rate or power yet, visible to Everyone. */
export function newActivity(fields: NewActivityFields): Omit<ActivityRecord, 'id'> {
  return {
    elevationGain: 0,
    elevLow: null,
    elevHigh: null,
    track: [],
    maxSpeed: 0,
    trainer: false,
    commute: false,
    manual: false,
    visibility: 'everyone',
    gearId: null,
    workoutType: null,
    kudos: 0,
    comments: 0,
    achievements: 0,
    prs: 0,
    athleteCount: 1,
    averageHeartrate: null,
    maxHeartrate: null,
    averageWatts: null,
    maxWatts: null,
    deviceWatts: false,
    calories: 0,
    description: null,
    deviceName: null,
    externalId: null,
    uploadId: null,
    hideFromHome: false,
    ...fields,
  };
}

/** Whether `viewer` may see `activity` with these scopes (protocol section 7). */
export function visibleTo(activity: ActivityRecord, viewerId: number, canReadAll: boolean): boolean {
  if (activity.visibility !== 'only_me') return true;
  return activity.athleteId === viewerId && canReadAll;
}

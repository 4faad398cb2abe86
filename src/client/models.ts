/**
 * Strava's API models, after `/work/shared/strava-models/` (Swagger 2018) plus the fields Strava
 * added since (`sport_type`, `visibility`…). Each has an index signature: fields this file does
 * not name are kept, never dropped, so a new Strava field reaches the caller unchanged. Fields
 * Strava may omit or send as null are optional or nullable.
 */

/** An athlete reduced to its id (resource_state 1). */
export interface MetaAthlete {
  id: number;
  resource_state?: number;
  [field: string]: unknown;
}

/** The athlete as every token sees it (resource_state 2). */
export interface SummaryAthlete extends MetaAthlete {
  username?: string | null;
  firstname?: string;
  lastname?: string;
  bio?: string | null;
  city?: string | null;
  state?: string | null;
  country?: string | null;
  sex?: 'M' | 'F' | null;
  premium?: boolean;
  summit?: boolean;
  created_at?: string;
  updated_at?: string;
  weight?: number | null;
  profile_medium?: string;
  profile?: string;
  friend?: 'pending' | 'accepted' | 'blocked' | null;
  follower?: 'pending' | 'accepted' | 'blocked' | null;
}

/** Gear as listed on the athlete and activities. */
export interface SummaryGear {
  id: string;
  resource_state?: number;
  primary?: boolean;
  name?: string;
  /** Meters logged with it. */
  distance?: number;
  [field: string]: unknown;
}

/** A club as listed on the athlete. */
export interface SummaryClub {
  id: number;
  name?: string;
  [field: string]: unknown;
}

/** `GET /athlete` with `profile:read_all` (resource_state 3). */
export interface DetailedAthlete extends SummaryAthlete {
  follower_count?: number;
  friend_count?: number;
  measurement_preference?: 'feet' | 'meters';
  ftp?: number | null;
  clubs?: SummaryClub[];
  bikes?: SummaryGear[];
  shoes?: SummaryGear[];
}

/** Strava's activity types (the 2018 enum); newer sport types arrive as other strings. */
export type ActivityType =
  | 'AlpineSki' | 'BackcountrySki' | 'Canoeing' | 'Crossfit' | 'EBikeRide' | 'Elliptical' | 'Hike' | 'IceSkate'
  | 'InlineSkate' | 'Kayaking' | 'Kitesurf' | 'NordicSki' | 'Ride' | 'RockClimbing' | 'RollerSki' | 'Rowing' | 'Run'
  | 'Snowboard' | 'Snowshoe' | 'StairStepper' | 'StandUpPaddling' | 'Surfing' | 'Swim' | 'VirtualRide' | 'VirtualRun'
  | 'Walk' | 'WeightTraining' | 'Windsurf' | 'Workout' | 'Yoga'
  | (string & {});

/** `[latitude, longitude]`. */
export type LatLng = [number, number];

/** An activity's map: the coarse summary polyline, and in detail the full one. */
export interface PolylineMap {
  id: string;
  polyline?: string | null;
  summary_polyline?: string | null;
  resource_state?: number;
  [field: string]: unknown;
}

/** An activity as `GET /athlete/activities` lists it (resource_state 2). */
export interface SummaryActivity {
  id: number;
  resource_state?: number;
  external_id?: string | null;
  upload_id?: number | null;
  athlete?: MetaAthlete;
  name: string;
  /** Meters. */
  distance: number;
  /** Seconds. */
  moving_time: number;
  elapsed_time: number;
  total_elevation_gain: number;
  elev_high?: number;
  elev_low?: number;
  type: ActivityType;
  sport_type?: string;
  /** ISO 8601, UTC. */
  start_date: string;
  /** Local wall time written with a `Z` (Strava's convention). */
  start_date_local: string;
  /** `(GMT+01:00) Europe/Paris`. */
  timezone: string;
  utc_offset?: number;
  start_latlng?: LatLng | [] | null;
  end_latlng?: LatLng | [] | null;
  achievement_count?: number;
  kudos_count?: number;
  comment_count?: number;
  athlete_count?: number;
  photo_count?: number;
  total_photo_count?: number;
  map?: PolylineMap;
  trainer?: boolean;
  commute?: boolean;
  manual?: boolean;
  /** True for Only You activities. */
  private?: boolean;
  visibility?: 'everyone' | 'followers_only' | 'only_me' | (string & {});
  flagged?: boolean;
  workout_type?: number | null;
  /** Meters per second. */
  average_speed?: number;
  max_speed?: number;
  has_kudoed?: boolean;
  gear_id?: string | null;
  kilojoules?: number;
  average_watts?: number;
  device_watts?: boolean;
  max_watts?: number;
  weighted_average_watts?: number;
  has_heartrate?: boolean;
  average_heartrate?: number;
  max_heartrate?: number;
  [field: string]: unknown;
}

/** A lap of an activity. */
export interface Lap {
  id: number;
  name?: string;
  lap_index?: number;
  distance?: number;
  elapsed_time?: number;
  moving_time?: number;
  [field: string]: unknown;
}

/** A split (per km or per mile) of a run. */
export interface Split {
  split?: number;
  distance?: number;
  elapsed_time?: number;
  moving_time?: number;
  average_speed?: number;
  [field: string]: unknown;
}

/** `GET /activities/{id}` (resource_state 3). */
export interface DetailedActivity extends SummaryActivity {
  description?: string | null;
  calories?: number;
  device_name?: string | null;
  embed_token?: string;
  gear?: SummaryGear | null;
  photos?: { count?: number; primary?: unknown; [field: string]: unknown };
  laps?: Lap[];
  splits_metric?: Split[];
  splits_standard?: Split[];
  segment_efforts?: Array<Record<string, unknown>>;
  best_efforts?: Array<Record<string, unknown>>;
  hide_from_home?: boolean;
}

/** What `PUT /activities/{id}` may change. */
export interface UpdatableActivity {
  name?: string;
  type?: ActivityType;
  sport_type?: string;
  description?: string;
  /** `'none'` removes the gear. */
  gear_id?: string;
  trainer?: boolean;
  commute?: boolean;
  hide_from_home?: boolean;
  [field: string]: unknown;
}

/** What `POST /activities` needs to create a manual activity. */
export interface CreateActivityInput {
  name: string;
  sport_type: string;
  /** Local wall time: an ISO string without offset (`2026-11-25T07:30:00`), or a Date (its UTC fields are used as local time). */
  start_date_local: string | Date;
  /** Seconds. */
  elapsed_time: number;
  type?: ActivityType;
  description?: string;
  /** Meters. */
  distance?: number;
  trainer?: boolean;
  commute?: boolean;
}

/** Totals over a set of activities (meters, seconds). */
export interface ActivityTotal {
  count: number;
  distance: number;
  moving_time: number;
  elapsed_time: number;
  elevation_gain: number;
  achievement_count?: number;
  [field: string]: unknown;
}

/** `GET /athletes/{id}/stats` (activities visible to Everyone only). */
export interface ActivityStats {
  biggest_ride_distance?: number;
  biggest_climb_elevation_gain?: number;
  recent_ride_totals?: ActivityTotal;
  recent_run_totals?: ActivityTotal;
  recent_swim_totals?: ActivityTotal;
  ytd_ride_totals?: ActivityTotal;
  ytd_run_totals?: ActivityTotal;
  ytd_swim_totals?: ActivityTotal;
  all_ride_totals?: ActivityTotal;
  all_run_totals?: ActivityTotal;
  all_swim_totals?: ActivityTotal;
  [field: string]: unknown;
}

/** A zone's bounds; `max` is -1 for the open top zone. */
export interface ZoneRange {
  min: number;
  max: number;
  [field: string]: unknown;
}

/** `GET /athlete/zones`. */
export interface Zones {
  heart_rate?: { custom_zones?: boolean; zones: ZoneRange[]; [field: string]: unknown };
  power?: { zones: ZoneRange[]; [field: string]: unknown };
  [field: string]: unknown;
}

/** An upload being processed, or its outcome: `activity_id` once ready, `error` when it failed. */
export interface Upload {
  id: number;
  id_str?: string;
  external_id?: string | null;
  error: string | null;
  status: string;
  activity_id: number | null;
  [field: string]: unknown;
}

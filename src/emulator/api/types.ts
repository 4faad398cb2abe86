/**
 * Public types of the emulator's API side (`/api/v3/...`): rate limits, fault injection, seeded
 * activities and upload processing. Re-exported by `../types.ts`, so users import them from
 * `strava-auth/emulator` like every other emulator type.
 */

/** A budget's two limits, as Strava writes them: `[15-minute, daily]`. */
export type LimitPair = [short: number, daily: number];

/** How the rate-limit headers are spelled on the wire (Strava's casing varies; clients must cope). */
export type HeaderCase = 'canonical' | 'lower' | 'upper';

/**
 * The rate limits the emulator enforces (protocol section 5), per app, on the emulator's clock:
 * 15-minute windows aligned to :00/:15/:30/:45 and a daily one reset at midnight UTC.
 */
export interface RateLimitSettings {
  /** Every API request (default `[200, 2000]`). */
  overall: LimitPair;
  /** Every request except `POST /activities` and `POST /uploads` (default `[100, 1000]`). */
  read: LimitPair;
  /** Header spelling: `X-RateLimit-Limit` (canonical, default), all lower or all upper case. */
  headerCase: HeaderCase;
  /** Write `"200, 2000"` instead of `"200,2000"` (default false). */
  spaced: boolean;
}

/** One app's usage in the current windows: `[15-minute, daily]` per budget. */
export interface RateLimitUsage {
  overall: LimitPair;
  read: LimitPair;
}

/**
 * A fault to inject into API requests. Every field is optional; a fault with none does nothing.
 * Counted faults apply to the next `count` matching requests and are then used up; latency stays
 * until the faults are cleared.
 */
export interface FaultSpec {
  /**
   * Which requests: `METHOD /path/template` with or without the `/api/v3` prefix, e.g.
   * `GET /athlete/activities` or `GET /activities/{id}`; `METHOD *` for every path of a method.
   * Absent: every API request.
   */
  match?: string;
  /** Added real-time delay before the request is handled, in ms. */
  latencyMs?: number;
  /** The next `count` requests answer this 5xx (default 503) without being handled. */
  status5xx?: { count: number; status?: number };
  /**
   * The next `count` requests are handled (a POST takes effect) and then the connection is
   * destroyed without an answer: what a client sees when the answer is lost on the way back.
   */
  drop?: { count: number };
  /** The next `count` requests answer 429 with headers showing the 15-minute budget used up. */
  rateLimitBurst?: { count: number };
}

/** How seeded activities are generated. Same settings, same activities: seeding is deterministic. */
export interface ActivitySeedOptions {
  /** Activities each athlete has when first asked about (default 600). */
  perAthlete?: number;
  /** PRNG seed (default 1). */
  seed?: number;
  /**
   * The newest seeded activity starts the day before this instant (ms since the epoch); older ones
   * go back from there. Default: midnight UTC of the emulator clock's day at start.
   */
  anchorMs?: number;
}

/**
 * When an upload finishes processing: at the `polls`-th `GET /uploads/{id}` or once `seconds` have
 * passed on the emulator's clock, whichever comes first.
 */
export interface UploadProcessing {
  /** Default 2: the first poll still says "still being processed", the second has the result. */
  polls: number;
  /** Default 8 (Strava's documented average processing time). */
  seconds: number;
}

/** The fault-injection remote, `emu.faults`. */
export interface FaultController {
  /** Replaces every fault with these. */
  set(faults: FaultSpec | FaultSpec[]): void;
  /** Adds a fault beside the current ones. */
  add(fault: FaultSpec): void;
  /** Removes every fault. */
  clear(): void;
  /** The faults still in force (counted ones with what is left of their counts). */
  list(): FaultSpec[];
}

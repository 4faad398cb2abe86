/**
 * Everything the API side keeps beside the OAuth state: activities, uploads, athletes' extra
 * profile fields, rate-limit counters and faults. Seeded activities are regenerated from the seed
 * after a restart; what API calls changed (created and edited activities, uploads, FTP, the next
 * ids) is in {@link ApiState.snapshot}, which the state file keeps. Counters, faults and
 * settings belong to the run.
 */
import type { ManualClock } from '../../core/clock.ts';
import { checkNumber } from '../control-value.ts';
import type { EmulatorState } from '../state.ts';
import { ActivityStore, DEFAULT_ACTIVITIES_PER_ATHLETE, type ActivityStoreSnapshot } from './activity-store.ts';
import type { AthleteExtras } from './athlete-profile.ts';
import { Faults } from './faults.ts';
import { DEFAULT_RATE_LIMITS, RateLimiter, validateRateLimits } from './rate-limiter.ts';
import type { ActivitySeedOptions, RateLimitSettings, UploadProcessing } from './types.ts';
import { UploadStore, type UploadStoreSnapshot } from './upload-store.ts';

/** The API side's options of `startEmulator`. */
export interface ApiOptions {
  rateLimits?: Partial<RateLimitSettings>;
  activities?: ActivitySeedOptions;
  uploadProcessing?: Partial<UploadProcessing>;
}

/** What the state file keeps of the API side. */
export interface ApiSnapshot {
  activities: ActivityStoreSnapshot;
  uploads: UploadStoreSnapshot;
  extras: Array<AthleteExtras & { athleteId: number }>;
}

/** Default upload processing: ready at the second poll or after 8 s. */
export const DEFAULT_UPLOAD_PROCESSING: UploadProcessing = { polls: 2, seconds: 8 };

/** Checks upload-processing settings; throws an Error saying what is wrong. */
export function validateUploadProcessing(value: Partial<UploadProcessing>, base: UploadProcessing): UploadProcessing {
  const merged = { ...base, ...value };
  return {
    polls: checkNumber(merged.polls, 'uploadProcessing.polls', { min: 1, max: 10_000, integer: true }),
    seconds: checkNumber(merged.seconds, 'uploadProcessing.seconds', { min: 0, max: 86_400 }),
  };
}

/** The API side's memory. */
export class ApiState {
  readonly activities: ActivityStore;
  readonly uploads: UploadStore;
  readonly rateLimits: RateLimiter;
  readonly faults = new Faults();
  readonly #extras = new Map<number, AthleteExtras>();

  /** `onChange` runs after every change worth persisting. */
  constructor(options: ApiOptions, state: EmulatorState, clock: ManualClock, onChange: () => void = () => {}) {
    const seed = options.activities ?? {};
    const perAthlete = seed.perAthlete ?? DEFAULT_ACTIVITIES_PER_ATHLETE;
    this.activities = new ActivityStore(
      {
        perAthlete,
        seed: seed.seed ?? 1,
        anchorMs: seed.anchorMs ?? Math.floor(clock.now() / 86_400_000) * 86_400_000,
      },
      (id) => state.athlete(id),
      onChange,
    );
    this.uploads = new UploadStore({
      clock,
      activities: this.activities,
      processing: validateUploadProcessing(options.uploadProcessing ?? {}, DEFAULT_UPLOAD_PROCESSING),
      athlete: (id) => state.athlete(id),
      onChange,
    });
    this.rateLimits = new RateLimiter(clock, validateRateLimits(options.rateLimits ?? {}, DEFAULT_RATE_LIMITS));
  }

  /** The athlete's extra profile fields (FTP unknown until set). */
  extras(athleteId: number): AthleteExtras {
    let extras = this.#extras.get(athleteId);
    if (!extras) {
      extras = { ftp: null };
      this.#extras.set(athleteId, extras);
    }
    return extras;
  }

  /** What API calls changed, for the state file (live records: serialize at once). */
  snapshot(): ApiSnapshot {
    return {
      activities: this.activities.snapshot(),
      uploads: this.uploads.snapshot(),
      extras: [...this.#extras].map(([athleteId, extras]) => ({ athleteId, ...extras })),
    };
  }

  /** Replaces what API calls changed with a snapshot's. */
  restore(snapshot: ApiSnapshot): void {
    this.activities.restore(snapshot.activities);
    this.uploads.restore(snapshot.uploads);
    this.#extras.clear();
    for (const { athleteId, ...extras } of snapshot.extras) this.#extras.set(athleteId, extras);
  }
}

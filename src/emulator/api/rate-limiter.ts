/**
 * Strava's rate limits (protocol section 5) on the emulator's clock: per app, an overall and a
 * read budget, each with a 15-minute window (reset at :00, :15, :30, :45) and a daily one (reset
 * at midnight UTC). Every request counts, refused ones included, so requests over the short limit
 * still use up the daily one.
 */
import type { Clock } from '../../core/clock.ts';
import { InvalidControlValueError, checkNumber } from '../control-value.ts';
import type { HeaderCase, LimitPair, RateLimitSettings, RateLimitUsage } from './types.ts';

/** Strava's defaults for a new app. */
export const DEFAULT_RATE_LIMITS: RateLimitSettings = {
  overall: [200, 2000],
  read: [100, 1000],
  headerCase: 'canonical',
  spaced: false,
};

/** Far above any real Strava budget; keeps the header values short integers. */
const MAX_LIMIT = 1_000_000_000;
const QUARTER_HOUR_MS = 15 * 60_000;
const DAY_MS = 86_400_000;

interface Counters {
  quarter: number;
  day: number;
  usage: RateLimitUsage;
}

/** What one counted request learned. */
export interface RateLimitOutcome {
  /** The request is over a limit and must be answered 429. */
  exceeded: boolean;
  headers: Record<string, string>;
}

/** Checks a settings object from code or from a control request; throws on anything malformed. */
export function validateRateLimits(value: unknown, base: RateLimitSettings): RateLimitSettings {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('Rate limits must be an object.');
  const v = value as Partial<Record<keyof RateLimitSettings, unknown>>;
  const pair = (name: 'overall' | 'read'): LimitPair => {
    const p = v[name];
    if (p === undefined) return [...base[name]];
    if (!Array.isArray(p) || p.length !== 2) throw new InvalidControlValueError(`rateLimits.${name}`, '[15-minute limit, daily limit]');
    const limit = (n: unknown): number => checkNumber(n, `rateLimits.${name}`, { min: 0, max: MAX_LIMIT, integer: true });
    return [limit(p[0]), limit(p[1])];
  };
  const headerCase = v.headerCase ?? base.headerCase;
  if (!['canonical', 'lower', 'upper'].includes(headerCase as string)) throw new Error('rateLimits.headerCase must be canonical, lower or upper.');
  const spaced = v.spaced ?? base.spaced;
  if (typeof spaced !== 'boolean') throw new Error('rateLimits.spaced must be true or false.');
  return { overall: pair('overall'), read: pair('read'), headerCase: headerCase as HeaderCase, spaced };
}

/** Usage counters of every app. */
export class RateLimiter {
  settings: RateLimitSettings;
  readonly #clock: Clock;
  readonly #apps = new Map<number, Counters>();

  constructor(clock: Clock, settings: RateLimitSettings) {
    this.#clock = clock;
    this.settings = settings;
  }

  /**
   * Counts one request of `clientId` against the overall budget and, unless `overallOnly`
   * (`POST /activities`, `POST /uploads`), the read budget. `forceExceeded` (a 429 burst fault)
   * answers as if the 15-minute budget were used up.
   */
  count(clientId: number, overallOnly: boolean, forceExceeded = false): RateLimitOutcome {
    const { usage } = this.#current(clientId);
    const bump = (pair: LimitPair): void => {
      pair[0]++;
      pair[1]++;
    };
    bump(usage.overall);
    if (!overallOnly) bump(usage.read);
    const over = (used: LimitPair, limit: LimitPair): boolean => used[0] > limit[0] || used[1] > limit[1];
    const exceeded = forceExceeded || over(usage.overall, this.settings.overall) || (!overallOnly && over(usage.read, this.settings.read));
    const shown: RateLimitUsage = forceExceeded
      ? {
          overall: [Math.max(usage.overall[0], this.settings.overall[0]), usage.overall[1]],
          read: [Math.max(usage.read[0], this.settings.read[0]), usage.read[1]],
        }
      : usage;
    return { exceeded, headers: this.#headers(shown) };
  }

  /** The app's usage in the current windows. */
  usage(clientId: number): RateLimitUsage {
    return structuredClone(this.#current(clientId).usage);
  }

  /** Forgets every app's usage. */
  reset(): void {
    this.#apps.clear();
  }

  #current(clientId: number): Counters {
    const now = this.#clock.now();
    const quarter = Math.floor(now / QUARTER_HOUR_MS);
    const day = Math.floor(now / DAY_MS);
    let counters = this.#apps.get(clientId);
    if (!counters) {
      counters = { quarter, day, usage: { overall: [0, 0], read: [0, 0] } };
      this.#apps.set(clientId, counters);
    }
    if (counters.day !== day) {
      counters.usage = { overall: [0, 0], read: [0, 0] };
    } else if (counters.quarter !== quarter) {
      counters.usage.overall[0] = 0;
      counters.usage.read[0] = 0;
    }
    counters.quarter = quarter;
    counters.day = day;
    return counters;
  }

  #headers(usage: RateLimitUsage): Record<string, string> {
    const { headerCase, spaced } = this.settings;
    const name = (canonical: string): string =>
      headerCase === 'lower' ? canonical.toLowerCase() : headerCase === 'upper' ? canonical.toUpperCase() : canonical;
    const value = (pair: LimitPair): string => pair.join(spaced ? ', ' : ',');
    return {
      [name('X-RateLimit-Limit')]: value(this.settings.overall),
      [name('X-RateLimit-Usage')]: value(usage.overall),
      [name('X-ReadRateLimit-Limit')]: value(this.settings.read),
      [name('X-ReadRateLimit-Usage')]: value(usage.read),
    };
  }
}

import { StravaApiError, type StravaApiErrorOptions } from './strava-api-error.ts';
import type { RateLimitState } from '../rate-limit.ts';

/** Strava answered 429: a 15-minute or daily budget is used up. `resetsAt` says when to try again. */
export class RateLimitError extends StravaApiError {
  /** When the exhausted window resets (the next quarter hour, or midnight UTC for the daily one). */
  readonly resetsAt: Date;
  /** Which window ran out. */
  readonly window: 'short' | 'daily';
  /** The usage and limits read from the response headers, when present. */
  readonly rateLimit: RateLimitState | undefined;

  constructor(
    options: Omit<StravaApiErrorOptions, 'code' | 'remedy'> & { resetsAt: Date; window: 'short' | 'daily'; rateLimit?: RateLimitState },
  ) {
    const when = options.resetsAt.toISOString();
    super(`Strava's ${options.window === 'daily' ? 'daily' : '15-minute'} rate limit is used up.`, {
      ...options,
      code: 'rate_limited',
      remedy: `Wait until ${when} (the limit resets then) and try again.`,
    });
    this.resetsAt = options.resetsAt;
    this.window = options.window;
    this.rateLimit = options.rateLimit;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), resetsAt: this.resetsAt.toISOString(), window: this.window, rateLimit: this.rateLimit };
  }
}

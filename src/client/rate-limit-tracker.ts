/**
 * What the client knows about Strava's rate limits (protocol section 5): the usage and limits of
 * the last response, aged by the clock (a 15-minute window that has rolled over is empty again),
 * which budgets a call counts against, and when a 429's window resets.
 */
import type { Clock } from '../core/clock.ts';
import type { RateLimitError } from '../core/errors/rate-limit-error.ts';
import {
  nextQuarterHour,
  nextUtcMidnight,
  parseRateLimitHeaders,
  rateLimitReset,
  type HeaderSource,
  type RateLimitBudget,
  type RateLimitState,
} from '../core/rate-limit.ts';

/** One budget as the client sees it now. */
export interface BudgetStatus extends RateLimitBudget {
  /** Requests left in the current 15-minute window (0 when used up). */
  shortRemaining: number;
  /** Requests left today (UTC). */
  dailyRemaining: number;
  /** When the 15-minute window resets. */
  shortResetsAt: Date;
  /** When the daily window resets (midnight UTC). */
  dailyResetsAt: Date;
}

/** Both budgets; undefined until a response reported them. */
export interface RateLimitStatus {
  overall: BudgetStatus | undefined;
  /** The read budget: everything except `POST /activities` and `POST /uploads`. */
  read: BudgetStatus | undefined;
  /** When the numbers were reported. */
  observedAt: Date | undefined;
}

/** Calls that count only against the overall budget (protocol section 5). */
const OVERALL_ONLY = /^POST \/(activities|uploads)$/;

/**
 * Whether a call counts against the read budget as well as the overall one: every call except
 * `POST /activities` and `POST /uploads`. `endpoint` is `METHOD /path/template`.
 */
export function countsAgainstReadBudget(endpoint: string): boolean {
  return !OVERALL_ONLY.test(endpoint);
}

const QUARTER_HOUR_MS = 15 * 60_000;
const DAY_MS = 86_400_000;

function maxBudget(a: RateLimitBudget | undefined, b: RateLimitBudget | undefined): RateLimitBudget | undefined {
  if (!a || !b) return b ?? a;
  return { ...b, shortUsage: Math.max(a.shortUsage, b.shortUsage), dailyUsage: Math.max(a.dailyUsage, b.dailyUsage) };
}

/** Usage state of one client. */
export class RateLimitTracker {
  readonly #clock: Clock;
  #state: RateLimitState | undefined;
  #observedAt = 0;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /**
   * Records the headers of a response. Within one 15-minute window usage only grows, so answers
   * arriving out of order (concurrent pages) keep the highest numbers.
   */
  observe(headers: HeaderSource): void {
    const state = parseRateLimitHeaders(headers);
    if (!state) return;
    const now = this.#clock.now();
    const sameWindow = this.#state !== undefined && Math.floor(now / QUARTER_HOUR_MS) === Math.floor(this.#observedAt / QUARTER_HOUR_MS);
    this.#state = sameWindow ? { overall: maxBudget(this.#state!.overall, state.overall), read: maxBudget(this.#state!.read, state.read) } : state;
    this.#observedAt = now;
  }

  /** The numbers as the last response reported them, or undefined before any. */
  get reported(): RateLimitState | undefined {
    return this.#state && structuredClone(this.#state);
  }

  /** Both budgets now: usage of windows that have reset since the last response counts as zero. */
  status(): RateLimitStatus {
    return {
      overall: this.#aged(this.#state?.overall),
      read: this.#aged(this.#state?.read),
      observedAt: this.#state ? new Date(this.#observedAt) : undefined,
    };
  }

  /**
   * Requests a call to `endpoint` may still make before some window it counts against is used
   * up, or undefined when no response has reported the budgets yet.
   */
  remaining(endpoint: string): number | undefined {
    const { overall, read } = this.status();
    const budgets = countsAgainstReadBudget(endpoint) ? [overall, read] : [overall];
    const known = budgets.filter((b): b is BudgetStatus => b !== undefined);
    if (known.length === 0) return undefined;
    return Math.min(...known.map((b) => Math.min(b.shortRemaining, b.dailyRemaining)));
  }

  /**
   * Which window a 429 on `endpoint` belongs to and when it resets. Core decides from the
   * headers; for `POST /activities` and `POST /uploads` only the overall budget is considered,
   * since an exhausted read budget does not stop them.
   */
  resetOf(error: RateLimitError, endpoint: string): { window: 'short' | 'daily'; resetsAt: Date } {
    if (countsAgainstReadBudget(endpoint) || !error.rateLimit) return { window: error.window, resetsAt: error.resetsAt };
    return rateLimitReset({ overall: error.rateLimit.overall, read: undefined }, this.#clock.now());
  }

  #aged(budget: RateLimitBudget | undefined): BudgetStatus | undefined {
    if (!budget) return undefined;
    const now = this.#clock.now();
    const shortUsage = Math.floor(now / QUARTER_HOUR_MS) === Math.floor(this.#observedAt / QUARTER_HOUR_MS) ? budget.shortUsage : 0;
    const dailyUsage = Math.floor(now / DAY_MS) === Math.floor(this.#observedAt / DAY_MS) ? budget.dailyUsage : 0;
    return {
      shortLimit: budget.shortLimit,
      shortUsage,
      dailyLimit: budget.dailyLimit,
      dailyUsage,
      shortRemaining: Math.max(0, budget.shortLimit - shortUsage),
      dailyRemaining: Math.max(0, budget.dailyLimit - dailyUsage),
      shortResetsAt: nextQuarterHour(now),
      dailyResetsAt: nextUtcMidnight(now),
    };
  }
}

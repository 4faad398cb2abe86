import { systemClock, type Clock } from './clock.ts';

/** How to retry a failed request: data, not code (after ky). */
export interface RetryPolicy {
  /** Attempts after the first. */
  retries: number;
  /** Delay before the first retry; doubles each time, jittered between half and all of it. */
  baseDelayMs: number;
  /** Upper bound of one delay. */
  maxDelayMs: number;
  /**
   * The whole call, every attempt and wait included, ends within this many milliseconds: no retry
   * starts once it would begin past the budget, and each attempt gets at most what is left (see
   * {@link withRetry}). Unset: only `retries` bounds it.
   */
  budgetMs?: number;
}

/** Default overall budget of a retried call: with 30 s requests, a silent network costs two tries. */
export const DEFAULT_RETRY_BUDGET_MS = 60_000;

/** Default: three retries, 250 ms doubling, jittered, at most 4 s apart, all within 60 s. */
export const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseDelayMs: 250, maxDelayMs: 4000, budgetMs: DEFAULT_RETRY_BUDGET_MS };

/** No retries. */
export const NO_RETRY: RetryPolicy = { retries: 0, baseDelayMs: 0, maxDelayMs: 0 };

/** Waits; injected so tests never sleep. */
export type Sleep = (ms: number) => Promise<void>;

/** The real sleep. */
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The delay before retry number `attempt` (1-based): exponential, jittered so callers spread out. */
export function retryDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling * (0.5 + random() / 2));
}

/** A retry is not worth starting with less than this left of the budget. */
const MIN_ATTEMPT_MS = 1000;

/**
 * Runs `task`, retrying while `shouldRetry(error)` says so, up to `policy.retries` times and
 * within `policy.budgetMs` (measured on `clock`). `task` is told the attempt (0-based) and the
 * milliseconds left of the budget (Infinity without one), to bound its request by them. The last
 * error is thrown as is.
 */
export async function withRetry<T>(
  task: (attempt: number, remainingMs: number) => Promise<T>,
  options: { policy: RetryPolicy; shouldRetry: (error: unknown) => boolean; sleep?: Sleep | undefined; clock?: Clock | undefined },
): Promise<T> {
  const sleep = options.sleep ?? realSleep;
  const clock = options.clock ?? systemClock;
  const budget = options.policy.budgetMs ?? Infinity;
  const start = clock.now();
  const remaining = () => budget - (clock.now() - start);
  for (let attempt = 0; ; attempt++) {
    try {
      return await task(attempt, remaining());
    } catch (error) {
      if (attempt >= options.policy.retries || !options.shouldRetry(error)) throw error;
      const delay = retryDelay(options.policy, attempt + 1);
      if (remaining() - delay < MIN_ATTEMPT_MS) throw error;
      await sleep(delay);
    }
  }
}


/** How to retry a failed request: data, not code (after ky). */
export interface RetryPolicy {
  /** Attempts after the first. */
  retries: number;
  /** Delay before the first retry; doubles each time, jittered between half and all of it. */
  baseDelayMs: number;
  /** Upper bound of one delay. */
  maxDelayMs: number;
}

/** Default: three retries, 250 ms doubling, jittered, at most 4 s apart. */
export const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseDelayMs: 250, maxDelayMs: 4000 };

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

/**
 * Runs `task`, retrying while `shouldRetry(error)` says so, up to `policy.retries` times.
 * The last error is thrown as is.
 */
export async function withRetry<T>(
  task: (attempt: number) => Promise<T>,
  options: { policy: RetryPolicy; shouldRetry: (error: unknown) => boolean; sleep?: Sleep },
): Promise<T> {
  const sleep = options.sleep ?? realSleep;
  for (let attempt = 0; ; attempt++) {
    try {
      return await task(attempt);
    } catch (error) {
      if (attempt >= options.policy.retries || !options.shouldRetry(error)) throw error;
      await sleep(retryDelay(options.policy, attempt + 1));
    }
  }
}

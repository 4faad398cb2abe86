import type { Clock } from '../core/clock.ts';
import type { Sleep } from '../core/retry.ts';

const MAX_BACKOFF_MS = 100;

/** A contender's wait for a lock: since when, for how long at most, on which clock. */
export interface LockWait {
  /** When the contender began to wait, by `clock`. */
  start: number;
  timeoutMs: number;
  clock: Clock;
  sleep: Sleep;
}

/**
 * Paces the attempts at a lock a live holder has (the file lock and the SQLite lock alike):
 * waits a jittered backoff, 2 ms doubling to 100 ms, never past the timeout; once `timeoutMs`
 * has passed since `start`, throws `timedOut(waitedMs)` instead of waiting.
 */
export async function lockBackoff(attempt: number, wait: LockWait, timedOut: (waitedMs: number) => Error): Promise<void> {
  const waited = wait.clock.now() - wait.start;
  if (waited >= wait.timeoutMs) throw timedOut(waited);
  const backoff = Math.min(MAX_BACKOFF_MS, 2 ** ((attempt % 16) + 1)) * (0.5 + Math.random() / 2);
  await wait.sleep(Math.max(1, Math.min(backoff, wait.timeoutMs - waited)));
}

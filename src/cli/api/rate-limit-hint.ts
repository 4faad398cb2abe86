/**
 * The 429 of `api` without `--wait`: the library's sentence, plus the flag that waits for the
 * window and how long that would take. A daily window is past what `--wait` waits for, so it
 * is not offered there.
 */
import { RateLimitError } from '../../core/errors/rate-limit-error.ts';
import { formatClockTime, formatRemaining } from './countdown.ts';

/** A RateLimitError (exit 5, same fields) whose message names `--wait`. */
export class RateLimitWaitHintError extends RateLimitError {
  constructor(error: RateLimitError, nowMs: number) {
    super({
      status: error.status,
      faults: error.faults,
      ...(error.stravaMessage !== undefined && { stravaMessage: error.stravaMessage }),
      window: error.window,
      resetsAt: error.resetsAt,
      ...(error.rateLimit && { rateLimit: error.rateLimit }),
    });
    if (error.window === 'short') {
      const left = formatRemaining(error.resetsAt.getTime() - nowMs);
      this.message = `${this.message} Or run it again with --wait to wait here: the window resets at ${formatClockTime(error.resetsAt)}, in ${left}.`;
    }
  }
}

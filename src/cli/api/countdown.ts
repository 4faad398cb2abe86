/**
 * The live countdown of `api --wait` on stderr while a rate-limit window runs out. On a terminal
 * one line is redrawn in place every second (with a spinner frame unless NO_COLOR or TERM=dumb);
 * off a terminal a plain line every `everyMs` (default 30 s), so logs show progress without
 * flooding. Driven by the injected clock and sleep: tests run it without real time.
 */
import type { Clock } from '../../core/clock.ts';
import type { Sleep } from '../../core/retry.ts';
import type { RateLimitEvent } from '../../client/strava-client.ts';

/** What the countdown writes to and runs on. */
export interface CountdownOptions {
  clock: Clock;
  sleep: Sleep;
  stderr: { write(text: string): unknown; isTTY?: boolean };
  /** Spinner frames on a terminal (false with NO_COLOR or TERM=dumb). */
  animate: boolean;
  /** Off a terminal: one line per this many ms (default 30 000). */
  everyMs?: number;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const TICK_MS = 1000;
const DEFAULT_EVERY_MS = 30_000;

/** `7m 05s`, `42s`: the time left, to the second (rounded up: never "0s" while waiting). */
export function formatRemaining(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return minutes > 0 ? `${minutes}m ${String(seconds).padStart(2, '0')}s` : `${seconds}s`;
}

/** `10:30:00 UTC`: the reset time as people read it on a clock. */
export function formatClockTime(date: Date): string {
  return `${date.toISOString().slice(11, 19)} UTC`;
}

/**
 * A sleep for the client that counts down when the wait is a rate-limit wait: `onRateLimit`
 * arms it with the event, the client's next sleep of that length is shown; any other sleep
 * (retry backoff, upload polls) passes straight through.
 */
export class RateLimitCountdown {
  readonly #options: CountdownOptions;
  #armed: (RateLimitEvent & { waitMs: number }) | undefined;

  constructor(options: CountdownOptions) {
    this.#options = options;
  }

  /** For the client's `onRateLimit`: the next sleep of `event.waitMs` is this window's wait. */
  readonly onRateLimit = (event: RateLimitEvent): void => {
    if (event.waitMs !== undefined) this.#armed = { ...event, waitMs: event.waitMs };
  };

  /** For the client's `sleep`. */
  readonly sleep: Sleep = async (ms) => {
    const event = this.#armed;
    if (!event || event.waitMs !== ms) return this.#options.sleep(ms);
    this.#armed = undefined;
    await this.#countdown(event);
  };

  async #countdown(event: RateLimitEvent & { waitMs: number }): Promise<void> {
    const { clock, sleep, stderr, animate } = this.#options;
    const tty = Boolean(stderr.isTTY);
    const every = tty ? TICK_MS : (this.#options.everyMs ?? DEFAULT_EVERY_MS);
    const deadline = clock.now() + event.waitMs;
    const window = event.window === 'daily' ? 'daily' : '15-minute';
    const line = (left: number) => `rate limited: ${event.endpoint}: the ${window} window resets at ${formatClockTime(event.resetsAt)}; trying again in ${formatRemaining(left)}`;
    let frame = 0;
    // Bounded even if the clock stood still: a broken sleep ends the countdown, it never hangs.
    const maxSteps = Math.ceil(event.waitMs / every) + 2;
    for (let left = deadline - clock.now(), steps = 0; left > 0 && steps < maxSteps; left = deadline - clock.now(), steps++) {
      if (tty) stderr.write(`\r\x1b[2K${animate ? `${FRAMES[frame++ % FRAMES.length]} ` : ''}${line(left)}`);
      else stderr.write(`${line(left)}\n`);
      // The step ends on a whole second of the time left, so the next line reads 7m 04s, not 7m 04.6s.
      const step = left % every || every;
      await sleep(Math.min(step, left));
    }
    stderr.write(tty ? '\r\x1b[2Krate limit window reset: trying again\n' : 'rate limit window reset: trying again\n');
  }
}

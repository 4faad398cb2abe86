/** A source of the current time in milliseconds since the epoch. Injected everywhere time matters. */
export interface Clock {
  now(): number;
}

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock that never steps back (when the system time is set back, it does not follow): for
 * spans such as how long a cached value may live. Its `now()` is not a date.
 */
export const monotonicClock: Clock = { now: () => performance.now() };

/** Options for {@link ManualClock}. */
export interface ManualClockOptions {
  /** Start time in ms since the epoch (default: now). */
  start?: number;
  /** When true the clock stands still until moved; when false it runs with real time plus the offset. */
  frozen?: boolean;
}

/**
 * A clock tests can move. Not frozen (the default), it follows real time plus an offset, so a
 * long-running emulator still ages tokens; frozen, it only moves when told to.
 *
 * @example
 * const clock = new ManualClock({ frozen: true });
 * clock.advance(6 * 3600); // six hours later
 */
export class ManualClock implements Clock {
  #offset: number;
  readonly #frozen: boolean;
  readonly #base: number;

  constructor(options: ManualClockOptions = {}) {
    this.#frozen = options.frozen ?? false;
    this.#base = Date.now();
    this.#offset = (options.start ?? this.#base) - this.#base;
  }

  now(): number {
    return (this.#frozen ? this.#base : Date.now()) + this.#offset;
  }

  /** Moves the clock forward (or back, with a negative number) by `seconds`. */
  advance(seconds: number): void {
    this.#offset += seconds * 1000;
  }

  /** Sets the current time (ms since the epoch). */
  set(ms: number): void {
    this.#offset = ms - (this.#frozen ? this.#base : Date.now());
  }
}

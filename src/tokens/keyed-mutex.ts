import type { Sleep } from '../core/retry.ts';

interface Waiter {
  grant(): void;
}

/** Options of {@link KeyedMutex.run}. */
export interface KeyedMutexRunOptions {
  timeoutMs: number;
  /** Builds the error a waiter rejects with when `timeoutMs` passes. */
  onTimeout: () => Error;
  /** Injected wait for the timeout (tests resolve it at once); default a cancellable `setTimeout`. */
  sleep?: Sleep;
}

/**
 * One FIFO lock per key within this process. The memory store's whole lock, and the first half
 * of the file store's (callers of one process queue here instead of polling the lock file).
 * Waiting is bounded: a waiter leaves the queue with `onTimeout()` when its time is up.
 */
export class KeyedMutex {
  /** Per key: the holder first, then the waiters in arrival order. */
  readonly #queues = new Map<string, Waiter[]>();

  /** Whether some caller of this process holds `key` right now. */
  isHeld(key: string): boolean {
    return this.#queues.has(key);
  }

  /** Runs `fn` while holding `key`. */
  async run<T>(key: string, fn: () => Promise<T>, options: KeyedMutexRunOptions): Promise<T> {
    await this.#acquire(key, options);
    try {
      return await fn();
    } finally {
      this.#release(key);
    }
  }

  #acquire(key: string, options: KeyedMutexRunOptions): Promise<void> {
    const queue = this.#queues.get(key);
    if (!queue) {
      this.#queues.set(key, [{ grant: () => {} }]);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const waiter: Waiter = {
        grant: () => {
          settled = true;
          if (timer !== undefined) clearTimeout(timer);
          resolve();
        },
      };
      const expire = () => {
        if (settled) return;
        settled = true;
        const index = queue.indexOf(waiter);
        if (index > 0) queue.splice(index, 1);
        reject(options.onTimeout());
      };
      queue.push(waiter);
      if (options.sleep) void options.sleep(options.timeoutMs).then(expire);
      else timer = setTimeout(expire, options.timeoutMs);
    });
  }

  #release(key: string): void {
    const queue = this.#queues.get(key);
    if (!queue) return;
    queue.shift();
    const next = queue[0];
    if (next) next.grant();
    else this.#queues.delete(key);
  }
}

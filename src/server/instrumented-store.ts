import type { LockedTokens, LockOptions, StoredTokens, TokenStore } from '../tokens/token-store.ts';

/**
 * A token store that reports how long each `withLock` waited for its lock (in this process and
 * behind other replicas), for the lock-wait metric. Everything else passes straight through.
 */
export class InstrumentedStore implements TokenStore {
  readonly #store: TokenStore;
  readonly #onWait: (seconds: number) => void;

  constructor(store: TokenStore, onWait: (seconds: number) => void) {
    this.#store = store;
    this.#onWait = onWait;
  }

  get(key: string): Promise<StoredTokens | undefined> {
    return this.#store.get(key);
  }

  set(key: string, value: StoredTokens): Promise<void> {
    return this.#store.set(key, value);
  }

  delete(key: string): Promise<void> {
    return this.#store.delete(key);
  }

  keys(): Promise<string[]> {
    return this.#store.keys();
  }

  withLock<T>(key: string, fn: (locked: LockedTokens) => Promise<T>, options?: LockOptions): Promise<T> {
    // Wall time, not the service's clock: a test's frozen clock would report no waits.
    const start = performance.now();
    return this.#store.withLock(
      key,
      (locked) => {
        this.#onWait((performance.now() - start) / 1000);
        return fn(locked);
      },
      options,
    );
  }
}

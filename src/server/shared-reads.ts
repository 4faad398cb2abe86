/**
 * Reads under way, by key: a read asked for while the same one is already under way joins it
 * rather than going to the store again. When a cached value expires, every request for it misses
 * at once; without this, each one would be a query of its own (50 connections on one API key, 50
 * lookups), and the store's queue would grow just when it was least needed.
 */
export class SharedReads<K, V> {
  readonly #underway = new Map<K, Promise<V>>();
  readonly #enabled: boolean;

  /**
   * Disabled, every read goes to the store: a read joined may have begun before a change that
   * ended before the request came, which a service that promises no staleness (`cacheMs` 0)
   * must not answer with.
   */
  constructor(options: { enabled: boolean }) {
    this.#enabled = options.enabled;
  }

  /** `read()`'s result, or that of the same read already under way for `key`. */
  run(key: K, read: () => Promise<V>): Promise<V> {
    if (!this.#enabled) return read();
    let underway = this.#underway.get(key);
    if (underway === undefined) {
      const started: Promise<V> = read().finally(() => {
        if (this.#underway.get(key) === started) this.#underway.delete(key);
      });
      underway = started;
      this.#underway.set(key, underway);
    }
    return underway;
  }

  /**
   * Lets later callers of `key` (of every key when undefined) start a read of their own: what is
   * under way began before a change and may predate it. Its present callers still get it.
   */
  forget(key?: K): void {
    if (key === undefined) this.#underway.clear();
    else this.#underway.delete(key);
  }
}

import type { Clock } from '../core/clock.ts';

/** How long the token service may answer from memory what it read from its stores (ms). */
export const DEFAULT_CACHE_MS = 1_000;

/** Entries kept at most: the oldest go first, so a flood of distinct keys cannot grow memory. */
const DEFAULT_MAX_ENTRIES = 10_000;

/**
 * Values read from a shared store, answered from memory for at most `ttlMs` after the read. This
 * is the bound on how stale a replica may be about a write made elsewhere (a key revoked by
 * `serve keys revoke`, tokens deleted by another replica's webhook); writes made through this
 * process delete their entry at once. A `ttlMs` of 0 keeps nothing: every read goes to the store.
 */
export class FreshCache<K, V> {
  readonly #ttlMs: number;
  readonly #clock: Clock;
  readonly #maxEntries: number;
  readonly #entries = new Map<K, { value: V; until: number }>();

  constructor(options: { ttlMs: number; clock: Clock; maxEntries?: number }) {
    this.#ttlMs = options.ttlMs;
    this.#clock = options.clock;
    this.#maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  }

  /** The value read less than `ttlMs` ago, or undefined. */
  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (this.#clock.now() < entry.until) return entry.value;
    this.#entries.delete(key);
    return undefined;
  }

  /** Remembers what the store just answered for `key`. */
  set(key: K, value: V): void {
    if (this.#ttlMs <= 0) return;
    // Re-inserted, so the Map's order stays the order of reads and the first entry is the oldest.
    this.#entries.delete(key);
    if (this.#entries.size >= this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value as K);
    this.#entries.set(key, { value, until: this.#clock.now() + this.#ttlMs });
  }

  /** Forgets `key` (this process just changed it in the store). */
  delete(key: K): void {
    this.#entries.delete(key);
  }

  /** Forgets everything. */
  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}

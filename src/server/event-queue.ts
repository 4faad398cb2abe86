/**
 * Events acknowledged and not yet handled. Strava wants its answer within 2 s, while handling may
 * wait on the store, on Strava and on the app, so the route answers first and this queue handles
 * after: one event at a time, in arrival order (a deauthorization is never overtaken by a later
 * event of the same athlete). Bounded: when full the route answers 503 and Strava retries later.
 */
export class EventQueue<T> {
  readonly #items: T[] = [];
  readonly #limit: number;
  readonly #handle: (item: T) => Promise<void>;
  #draining: Promise<void> | null = null;

  /** `handle` must not throw; whatever it rejects with is dropped (it logs its own failures). */
  constructor(limit: number, handle: (item: T) => Promise<void>) {
    this.#limit = limit;
    this.#handle = handle;
  }

  /** Queues `item`; false when the queue is full. */
  offer(item: T): boolean {
    if (this.#items.length >= this.#limit) return false;
    this.#items.push(item);
    this.#draining ??= this.#drain();
    return true;
  }

  /** Events waiting, the one being handled included. */
  get size(): number {
    return this.#items.length;
  }

  /** Resolves once every queued event has been handled (at once when none is). */
  idle(): Promise<void> {
    return this.#draining ?? Promise.resolve();
  }

  async #drain(): Promise<void> {
    // A macrotask first, so the acknowledgement is written before handling starts.
    await new Promise((resolve) => setTimeout(resolve, 0));
    while (this.#items.length > 0) {
      await this.#handle(this.#items[0]!).catch(() => {});
      this.#items.shift();
    }
    this.#draining = null;
  }
}

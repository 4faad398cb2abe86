/**
 * The push subscriptions the emulated Strava knows: at most one per app (protocol section 6),
 * ids counting up from 1, kept across restarts with the rest of the state.
 */
import type { Clock } from '../../core/clock.ts';
import type { PushSubscriptionRecord } from './types.ts';

/** Subscriptions by app. */
export class PushSubscriptions {
  readonly #byApp = new Map<number, PushSubscriptionRecord>();
  readonly #clock: Clock;
  readonly #onChange: () => void;
  #nextId = 1;

  constructor(clock: Clock, onChange: () => void = () => {}) {
    this.#clock = clock;
    this.#onChange = onChange;
  }

  /** The app's subscription, if it has one. */
  of(clientId: number): PushSubscriptionRecord | undefined {
    return this.#byApp.get(clientId);
  }

  /** Adds the app's subscription; null when it has one already. */
  add(clientId: number, callbackUrl: string): PushSubscriptionRecord | null {
    if (this.#byApp.has(clientId)) return null;
    const now = new Date(this.#clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const record: PushSubscriptionRecord = { id: this.#nextId++, application_id: clientId, callback_url: callbackUrl, created_at: now, updated_at: now };
    this.#byApp.set(clientId, record);
    this.#onChange();
    return { ...record };
  }

  /** Deletes subscription `id` of the app; false when the app has no subscription with that id. */
  delete(clientId: number, id: number): boolean {
    if (this.#byApp.get(clientId)?.id !== id) return false;
    this.#byApp.delete(clientId);
    this.#onChange();
    return true;
  }

  snapshot(): PushSubscriptionRecord[] {
    return [...this.#byApp.values()].map((record) => ({ ...record }));
  }

  restore(records: PushSubscriptionRecord[]): void {
    this.#byApp.clear();
    for (const record of records) this.#byApp.set(record.application_id, { ...record });
    this.#nextId = Math.max(0, ...records.map((r) => r.id)) + 1;
  }
}

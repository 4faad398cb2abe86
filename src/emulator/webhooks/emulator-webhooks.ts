/**
 * The emulator's webhook side in one object: the subscriptions, the sender, and the events the
 * emulated Strava emits (a deauthorization when an athlete removes the app, any event a test asks
 * for), each sent to the app's subscription, if it has one.
 */
import type { Clock } from '../../core/clock.ts';
import type { FetchLike } from '../../core/http.ts';
import type { WebhookEvent } from '../../server/webhook-event.ts';
import { completeEvent } from './event-input.ts';
import { PushSubscriptions } from './push-subscriptions.ts';
import type { WebhookDelivery, WebhookEventInput, WebhookOptions } from './types.ts';
import { WebhookSender } from './webhook-sender.ts';

/** A delivery started: its record now, and the same record once it ended. */
export interface StartedDelivery {
  delivery: WebhookDelivery;
  finished: Promise<WebhookDelivery>;
}

/** Subscriptions, sender and event emission of one emulator. */
export class EmulatorWebhooks {
  readonly subscriptions: PushSubscriptions;
  readonly sender: WebhookSender;
  readonly #clock: Clock;
  #nextActivityId = 9_000_000_001;

  constructor(clock: Clock, options: WebhookOptions & { fetch?: FetchLike; onChange?: () => void } = {}) {
    this.#clock = clock;
    this.subscriptions = new PushSubscriptions(clock, options.onChange);
    this.sender = new WebhookSender(clock, options);
  }

  /**
   * Completes `input` (see event-input.ts) and sends it to the app's subscription. Null when the
   * app has no subscription (Strava then sends nothing). Throws InvalidControlValueError for a
   * malformed input.
   */
  emit(clientId: number, input: WebhookEventInput, defaultOwnerId: number): StartedDelivery | null {
    const subscription = this.subscriptions.of(clientId);
    const event = completeEvent(input, {
      subscriptionId: subscription?.id ?? 1,
      ownerId: defaultOwnerId,
      nextActivityId: () => this.#nextActivityId++,
      nowSeconds: Math.floor(this.#clock.now() / 1000),
    });
    if (!subscription) return null;
    return this.sender.send(clientId, subscription.callback_url, event);
  }

  /** The event of an athlete removing the app (protocol section 6), sent if the app subscribed. */
  emitDeauthorization(clientId: number, athleteId: number): StartedDelivery | null {
    const event: Partial<WebhookEvent> = { object_type: 'athlete', object_id: athleteId, aspect_type: 'update', updates: { authorized: 'false' }, owner_id: athleteId };
    return this.emit(clientId, event, athleteId);
  }
}

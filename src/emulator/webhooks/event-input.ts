/**
 * An event a test asks the emulator to send, completed and checked: the emulator sends only
 * well-formed events (a test that wants a malformed one POSTs it to its callback itself), with
 * numbers that are positive safe integers and a body of bounded size.
 */
import { InvalidControlValueError } from '../control-value.ts';
import { parseWebhookEvent, type WebhookEvent } from '../../server/webhook-event.ts';
import type { WebhookEventInput } from './types.ts';

/** Larger events are refused; Strava's are a few hundred bytes. */
const MAX_EVENT_JSON = 8 * 1024;

/** What the emulator fills in for fields the test left out. */
export interface EventDefaults {
  subscriptionId: number;
  ownerId: number;
  nextActivityId: () => number;
  nowSeconds: number;
}

/** The complete event; throws {@link InvalidControlValueError} naming the field at fault. */
export function completeEvent(input: WebhookEventInput, defaults: EventDefaults): WebhookEvent {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new InvalidControlValueError('event', 'an object');
  const objectType = input.object_type ?? 'activity';
  const ownerId = input.owner_id ?? defaults.ownerId;
  const candidate = {
    object_type: objectType,
    object_id: input.object_id ?? (objectType === 'athlete' ? ownerId : defaults.nextActivityId()),
    aspect_type: input.aspect_type ?? (objectType === 'athlete' ? 'update' : 'create'),
    updates: input.updates ?? {},
    owner_id: ownerId,
    subscription_id: input.subscription_id ?? defaults.subscriptionId,
    event_time: input.event_time ?? defaults.nowSeconds,
  };
  const text = JSON.stringify(candidate);
  if (text.length > MAX_EVENT_JSON) throw new InvalidControlValueError('event', `at most ${MAX_EVENT_JSON} bytes of JSON`);
  const event = parseWebhookEvent(text);
  if (!event) {
    throw new InvalidControlValueError(
      'event',
      'a Strava event: object_type activity|athlete, aspect_type create|update|delete, positive integer ids and event_time, updates an object of strings, numbers or booleans',
    );
  }
  return event;
}

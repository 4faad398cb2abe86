/**
 * The event Strava POSTs to a push subscription's callback (protocol section 6), read strictly:
 * events are not signed, so anything that is not exactly this shape is refused before it can
 * touch an athlete's tokens.
 */

/** What changed: an activity, or the athlete (their authorization of the app). */
export type WebhookObjectType = 'activity' | 'athlete';

/** How it changed. */
export type WebhookAspectType = 'create' | 'update' | 'delete';

/** One event from Strava, field names as Strava sends them. */
export interface WebhookEvent {
  object_type: WebhookObjectType;
  /** The activity id, or the athlete id for athlete events. */
  object_id: number;
  aspect_type: WebhookAspectType;
  /** For updates: the fields that changed, e.g. `{"title": "Morning Ride"}` or `{"authorized": "false"}`. */
  updates: Record<string, string | number | boolean>;
  /** The athlete who owns the object. */
  owner_id: number;
  /** The push subscription the event came through: the only thing that ties it to this app. */
  subscription_id: number;
  /** Unix seconds. */
  event_time: number;
}

const OBJECT_TYPES: readonly string[] = ['activity', 'athlete'];
const ASPECT_TYPES: readonly string[] = ['create', 'update', 'delete'];
/** More changed fields than any Strava event carries (title, type, private, authorized). */
const MAX_UPDATES = 32;

/**
 * Reads an event from its JSON text; null when it is not JSON or not an event (a missing or
 * mistyped field, an unknown object or aspect type, ids that are not positive integers).
 *
 * @example
 * const event = parseWebhookEvent(await request.text());
 * if (!event) return new Response('not an event', { status: 400 });
 */
export function parseWebhookEvent(text: string): WebhookEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const raw = value as Record<string, unknown>;
  const ids = ['object_id', 'owner_id', 'subscription_id', 'event_time'] as const;
  if (!ids.every((key) => isPositiveInteger(raw[key]))) return null;
  if (!OBJECT_TYPES.includes(raw.object_type as string) || !ASPECT_TYPES.includes(raw.aspect_type as string)) return null;
  const updates = readUpdates(raw.updates);
  if (!updates) return null;
  return {
    object_type: raw.object_type as WebhookObjectType,
    object_id: raw.object_id as number,
    aspect_type: raw.aspect_type as WebhookAspectType,
    updates,
    owner_id: raw.owner_id as number,
    subscription_id: raw.subscription_id as number,
    event_time: raw.event_time as number,
  };
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

function readUpdates(value: unknown): WebhookEvent['updates'] | null {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const entries = Object.entries(value);
  if (entries.length > MAX_UPDATES) return null;
  const updates: WebhookEvent['updates'] = {};
  for (const [key, v] of entries) {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return null;
    updates[key] = v;
  }
  return updates;
}

/**
 * Whether the athlete withdrew the app's access: an athlete update with `authorized` false.
 * Strava sends the string `"false"`; a boolean is accepted too, in case that ever changes.
 */
export function isDeauthorization(event: WebhookEvent): boolean {
  const authorized = event.updates.authorized;
  return event.object_type === 'athlete' && event.aspect_type === 'update' && (authorized === 'false' || authorized === false);
}

/**
 * A key that is the same for a retried delivery of one event and different for two events.
 * Strava gives events no id, and a retry resends the same body, so the key is every field but
 * the subscription (updates with their keys sorted).
 */
export function webhookEventKey(event: WebhookEvent): string {
  const updates = Object.keys(event.updates)
    .sort()
    .map((key) => [key, event.updates[key]]);
  return JSON.stringify([event.object_type, event.object_id, event.aspect_type, event.owner_id, event.event_time, updates]);
}

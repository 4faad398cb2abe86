/** Public types of the emulator's push subscriptions and webhook deliveries (protocol section 6). */
import type { Sleep } from '../../core/retry.ts';
import type { WebhookEvent } from '../../server/webhook-event.ts';

export type { WebhookEvent };

/** A push subscription as Strava answers it (`POST` and `GET /api/v3/push_subscriptions`). */
export interface PushSubscriptionRecord {
  id: number;
  application_id: number;
  callback_url: string;
  created_at: string;
  updated_at: string;
}

/** How the emulator reaches callbacks. Every field is optional. */
export interface WebhookOptions {
  /** A callback must answer (the check, or an event) within this many ms (default 2000, as Strava). */
  timeoutMs?: number;
  /** Waits before the second and third attempt of an event (default 1000 and 4000 ms). */
  retryDelaysMs?: number[];
  /** How those waits happen; inject one so tests never sleep. */
  sleep?: Sleep;
  /** Read at most this much of a callback's answer (default 64 KiB). */
  maxResponseBytes?: number;
}

/** One attempt of a delivery: when (emulator clock, ms) and what came back (`200`, `timeout`, `unreachable (ECONNREFUSED)`). */
export interface WebhookAttempt {
  atMs: number;
  result: string;
}

/** An event sent to a callback, or a subscription check. */
export interface WebhookDelivery {
  id: number;
  kind: 'event' | 'check';
  clientId: number;
  callbackUrl: string;
  /** The event (absent for a check). */
  event?: WebhookEvent;
  attempts: WebhookAttempt[];
  status: 'pending' | 'delivered' | 'failed';
}

/** What a test may set of an event; the rest is filled in (see `Emulator.sendWebhookEvent`). */
export type WebhookEventInput = Partial<WebhookEvent> & { clientId?: number };

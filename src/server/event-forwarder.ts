/**
 * Forwards a handled event to the app (`--forward-url`), signed (see forward-signature.ts) and
 * retried with backoff until the app answers 2xx or the attempts run out. Each attempt is signed
 * anew, so a late retry still passes the app's timestamp check.
 */
import type { Clock } from '../core/clock.ts';
import { attemptRequest, describeOutcome, type AttemptLimits } from '../core/delivery-attempt.ts';
import type { FetchLike } from '../core/http.ts';
import { retryDelay, type RetryPolicy, type Sleep } from '../core/retry.ts';
import { SIGNATURE_HEADER, signForwardedEvent } from './forward-signature.ts';
import type { WebhookEvent } from './webhook-event.ts';

/** The header with a stable id of the event: the same for every retry, so the app can dedupe. */
export const EVENT_ID_HEADER = 'Strava-Auth-Event-Id';

/** Default: five attempts in all, 1 s doubling to at most 60 s apart (about two minutes). */
export const DEFAULT_FORWARD_RETRY: RetryPolicy = { retries: 4, baseDelayMs: 1000, maxDelayMs: 60_000 };

/** Default bounds of one forward: the app answers within 10 s; its body is not needed. */
export const DEFAULT_FORWARD_LIMITS: AttemptLimits = { timeoutMs: 10_000, maxResponseBytes: 64 * 1024 };

/** What {@link forwardEvent} needs. */
export interface ForwardTarget {
  url: string;
  secret: string;
  fetch: FetchLike;
  clock: Clock;
  sleep: Sleep;
  retry: RetryPolicy;
  limits: AttemptLimits;
}

/** How a forward ended. */
export interface ForwardResult {
  delivered: boolean;
  attempts: number;
  /** The outcome of the last attempt: the status, or why there was none. */
  last: string;
}

/** Sends `event` to the app until it answers 2xx (see {@link DEFAULT_FORWARD_RETRY}). */
export async function forwardEvent(event: WebhookEvent, eventId: string, target: ForwardTarget): Promise<ForwardResult> {
  const body = JSON.stringify(event);
  for (let attempt = 1; ; attempt++) {
    const signature = await signForwardedEvent(target.secret, body, Math.floor(target.clock.now() / 1000));
    const outcome = await attemptRequest(
      target.fetch,
      target.url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature, [EVENT_ID_HEADER]: eventId, 'user-agent': 'strava-auth-serve' },
        body,
      },
      target.limits,
    );
    const delivered = outcome.kind === 'answered' && outcome.status >= 200 && outcome.status <= 299;
    if (delivered || attempt > target.retry.retries) return { delivered, attempts: attempt, last: describeOutcome(outcome) };
    await target.sleep(retryDelay(target.retry, attempt));
  }
}

/**
 * The emulated Strava's outgoing side of webhooks: the subscription check (a GET the callback
 * must answer with its challenge within 2 s) and event deliveries (a POST the callback must
 * answer 200 within 2 s; otherwise retried, up to 3 attempts in all). Waits between attempts go
 * through an injected sleep, and every attempt has a deadline and a size cap, so a silent or
 * flooding callback costs a known time and memory. Every check and delivery is recorded for
 * tests (`GET /_emulator/webhooks`).
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock.ts';
import { attemptRequest, describeOutcome, type AttemptLimits } from '../../core/delivery-attempt.ts';
import { defaultFetch, type FetchLike } from '../../core/http.ts';
import type { Sleep } from '../../core/retry.ts';
import type { WebhookEvent } from '../../server/webhook-event.ts';
import type { WebhookDelivery, WebhookOptions } from './types.ts';

/** How many deliveries and checks are remembered (oldest dropped first). */
const REMEMBERED = 200;

/** Why a subscription check failed, as Strava's error `code` says it. */
export type CheckResult = { ok: true } | { ok: false; code: 'GET to callback URL does not return 200' | 'not verifiable' };

/** Sends checks and events; see the file comment. */
export class WebhookSender {
  readonly #clock: Clock;
  readonly #fetch: FetchLike;
  readonly #sleep: Sleep;
  readonly #limits: AttemptLimits;
  readonly #retryDelaysMs: number[];
  readonly #deliveries: WebhookDelivery[] = [];
  readonly #pending = new Set<Promise<unknown>>();
  #nextId = 1;

  constructor(clock: Clock, options: WebhookOptions & { fetch?: FetchLike } = {}) {
    this.#clock = clock;
    this.#fetch = options.fetch ?? defaultFetch;
    this.#sleep = options.sleep ?? unrefSleep;
    this.#limits = { timeoutMs: options.timeoutMs ?? 2000, maxResponseBytes: options.maxResponseBytes ?? 64 * 1024 };
    this.#retryDelaysMs = options.retryDelaysMs ?? [1000, 4000];
  }

  /**
   * Strava's check of a new callback: `GET callback?hub.mode=subscribe&hub.challenge=X&hub.verify_token=V`
   * must answer 200 with `{"hub.challenge":"X"}` in time. One attempt, no retry.
   */
  async check(clientId: number, callbackUrl: string, verifyToken: string): Promise<CheckResult> {
    const challenge = randomBytes(12).toString('hex');
    const url = new URL(callbackUrl);
    url.searchParams.set('hub.mode', 'subscribe');
    url.searchParams.set('hub.challenge', challenge);
    url.searchParams.set('hub.verify_token', verifyToken);
    const delivery = this.#record({ kind: 'check', clientId, callbackUrl });
    const outcome = await attemptRequest(this.#fetch, url.href, { method: 'GET', headers: { accept: 'application/json' } }, this.#limits);
    delivery.attempts.push({ atMs: this.#clock.now(), result: describeOutcome(outcome) });
    let result: CheckResult = { ok: false, code: 'not verifiable' };
    if (outcome.kind === 'answered' && outcome.status !== 200) result = { ok: false, code: 'GET to callback URL does not return 200' };
    else if (outcome.kind === 'answered' && echoes(outcome.text, challenge)) result = { ok: true };
    delivery.status = result.ok ? 'delivered' : 'failed';
    return result;
  }

  /**
   * Starts delivering `event` to `callbackUrl` and returns its record at once (pending);
   * `finished` resolves with it when it was acknowledged or the attempts ran out.
   */
  send(clientId: number, callbackUrl: string, event: WebhookEvent): { delivery: WebhookDelivery; finished: Promise<WebhookDelivery> } {
    const delivery = this.#record({ kind: 'event', clientId, callbackUrl, event });
    const finished = this.#deliver(delivery, event);
    this.#pending.add(finished);
    void finished.finally(() => this.#pending.delete(finished));
    return { delivery: structuredClone(delivery), finished };
  }

  /** Every remembered check and delivery, oldest first. */
  deliveries(): WebhookDelivery[] {
    return structuredClone(this.#deliveries);
  }

  /** Resolves when no delivery is under way. */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  async #deliver(delivery: WebhookDelivery, event: WebhookEvent): Promise<WebhookDelivery> {
    const body = JSON.stringify(event);
    for (let attempt = 0; ; attempt++) {
      const outcome = await attemptRequest(
        this.#fetch,
        delivery.callbackUrl,
        { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'strava-auth-emulator webhooks' }, body },
        this.#limits,
      );
      delivery.attempts.push({ atMs: this.#clock.now(), result: describeOutcome(outcome) });
      if (outcome.kind === 'answered' && outcome.status === 200) {
        delivery.status = 'delivered';
        break;
      }
      const delay = this.#retryDelaysMs[attempt];
      if (delay === undefined) {
        delivery.status = 'failed';
        break;
      }
      await this.#sleep(delay);
    }
    return structuredClone(delivery);
  }

  #record(fields: Omit<WebhookDelivery, 'id' | 'attempts' | 'status'>): WebhookDelivery {
    const delivery: WebhookDelivery = { id: this.#nextId++, ...fields, attempts: [], status: 'pending' };
    this.#deliveries.push(delivery);
    if (this.#deliveries.length > REMEMBERED) this.#deliveries.shift();
    return delivery;
  }
}

/** A wait that does not keep the process alive: a CLI run with the in-process emulator ends on time. */
const unrefSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref());

function echoes(text: string, challenge: string): boolean {
  try {
    return (JSON.parse(text) as Record<string, unknown> | null)?.['hub.challenge'] === challenge;
  } catch {
    return false;
  }
}

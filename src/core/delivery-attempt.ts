/**
 * One HTTP attempt whose outcome is data, not an exception: what a webhook sender needs, since a
 * silent, slow, failing or flooding receiver is an ordinary outcome it records and retries (the
 * emulator delivering events and checking callbacks, `serve` forwarding events to the app).
 * Bounded like every request strava-auth sends: a deadline over connect, headers and body, and a
 * cap on the body read.
 */
import { NetworkError } from './errors/network-error.ts';
import { RequestTimeoutError } from './errors/request-timeout-error.ts';
import { ResponseTooLargeError } from './errors/response-too-large-error.ts';
import { fetchBounded, type FetchLike } from './http.ts';

/** The bounds of one attempt. */
export interface AttemptLimits {
  /** Connect, headers and the whole body within this many milliseconds. */
  timeoutMs: number;
  /** Read at most this many bytes of the answer; past it the attempt fails as `too-large`. */
  maxResponseBytes: number;
}

/** How an attempt ended. */
export type AttemptOutcome =
  | { kind: 'answered'; status: number; text: string }
  | { kind: 'timeout' }
  | { kind: 'too-large' }
  | { kind: 'unreachable'; reason: string };

/**
 * Sends one request within `limits` through {@link fetchBounded}, the bound every request
 * strava-auth sends has. Never throws: a deadline passed, a body over the cap and a network
 * failure each come back as their outcome.
 */
export async function attemptRequest(fetchFn: FetchLike, url: string, init: RequestInit, limits: AttemptLimits): Promise<AttemptOutcome> {
  const target = new URL(url);
  try {
    // Never a redirect: the answer must come from the URL given (a check answered by another host
    // would prove nothing, and a signed event must not travel on to wherever a 302 points).
    const response = await fetchBounded(fetchFn, target, { redirect: 'manual', ...init }, { endpoint: `${init.method ?? 'GET'} ${target.pathname}`, limits });
    return { kind: 'answered', status: response.status, text: response.text };
  } catch (error) {
    if (error instanceof RequestTimeoutError) return { kind: 'timeout' };
    if (error instanceof ResponseTooLargeError) return { kind: 'too-large' };
    if (error instanceof NetworkError) return { kind: 'unreachable', reason: describe(error.cause) };
    throw error;
  }
}

/** `200`, `timeout`, `too-large`, `unreachable (ECONNREFUSED)`: short, and never a URL or a body. */
export function describeOutcome(outcome: AttemptOutcome): string {
  if (outcome.kind === 'answered') return String(outcome.status);
  if (outcome.kind === 'unreachable') return `unreachable (${outcome.reason})`;
  return outcome.kind;
}

/** The network error's cause in a few words (`ECONNREFUSED`), never a URL with its query. */
function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  return error instanceof Error ? error.name : 'network error';
}

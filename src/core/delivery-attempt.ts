/**
 * One HTTP attempt whose outcome is data, not an exception: what a webhook sender needs, since a
 * silent, slow, failing or flooding receiver is an ordinary outcome it records and retries (the
 * emulator delivering events and checking callbacks, `serve` forwarding events to the app).
 * Bounded like every request strava-auth sends: a deadline over connect, headers and body, and a
 * cap on the body read.
 */
import type { FetchLike } from './http.ts';

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
 * Sends one request within `limits`. Never throws: a deadline passed, a body over the cap and a
 * network failure each come back as their outcome. The deadline races every wait, so a `fetch`
 * that ignores its abort signal is bounded too.
 */
export async function attemptRequest(fetchFn: FetchLike, url: string, init: RequestInit, limits: AttemptLimits): Promise<AttemptOutcome> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve('timeout');
    }, limits.timeoutMs);
  });
  try {
    // Never a redirect: the answer must come from the URL given (a check answered by another host
    // would prove nothing, and a signed event must not travel on to wherever a 302 points).
    const response = await Promise.race([fetchFn(url, { redirect: 'manual', ...init, signal: controller.signal }), expired]);
    if (response === 'timeout') return { kind: 'timeout' };
    const text = await readCapped(response, limits.maxResponseBytes, expired);
    if (text === 'timeout') return { kind: 'timeout' };
    if (text === 'too-large') {
      controller.abort();
      return { kind: 'too-large' };
    }
    return { kind: 'answered', status: response.status, text };
  } catch (error) {
    if (controller.signal.aborted) return { kind: 'timeout' };
    return { kind: 'unreachable', reason: describe(error) };
  } finally {
    clearTimeout(timer);
  }
}

async function readCapped(response: Response, limit: number, expired: Promise<'timeout'>): Promise<string | 'timeout' | 'too-large'> {
  if (Number(response.headers.get('content-length') ?? 0) > limit) return 'too-large';
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const read = await Promise.race([reader.read(), expired]);
      if (read === 'timeout') return 'timeout';
      if (read.done) break;
      size += read.value.byteLength;
      if (size > limit) return 'too-large';
      chunks.push(read.value);
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
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

import { NetworkError } from './errors/network-error.ts';
import { RequestTimeoutError } from './errors/request-timeout-error.ts';
import { ResponseTooLargeError } from './errors/response-too-large-error.ts';
import type { Redactor } from './redactor.ts';
import { resolveLimits, type RequestLimits } from './request-limits.ts';

/** The fetch function strava-auth calls; pass your own (a proxy, a test double, a worker's fetch). */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** The runtime's fetch, looked up at call time (so a test or polyfill installed later is used). */
export const defaultFetch: FetchLike = (input, init) => globalThis.fetch(input, init);

/** A response whose body was read, so errors can be built from it without a second read. */
export interface ReadResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** How {@link fetchBounded} names and bounds the request. */
export interface BoundedRequestContext {
  /** The call, e.g. `POST /oauth/token`, for messages (a template: never a query or a token). */
  endpoint: string;
  /** Defaults: {@link DEFAULT_REQUEST_TIMEOUT_MS}, {@link DEFAULT_MAX_RESPONSE_BYTES}. */
  limits?: Partial<RequestLimits> | undefined;
  /** The request's secrets, kept out of a network error's text. */
  redactor?: Redactor | undefined;
}

/**
 * The one place every request strava-auth sends goes through: fetch plus reading the body, within
 * a deadline and a size cap. Connecting, the headers and the whole body must arrive within
 * `limits.timeoutMs` ({@link RequestTimeoutError}); the body is read chunk by chunk and reading
 * stops past `limits.maxResponseBytes` ({@link ResponseTooLargeError}), so an endless body costs at
 * most the cap. Other failures become {@link NetworkError}. Errors name the origin and the
 * endpoint, never the query, body, userinfo or a secret of the request (`context.redactor`). The
 * status is not judged here (see `assertOk` in error-response.ts).
 *
 * The deadline does not rely on `fetch` honouring the abort signal: every wait is also raced
 * against it, so a replaced fetch that ignores signals is bounded too.
 */
export async function fetchBounded(fetchFn: FetchLike, url: URL, init: RequestInit, context: BoundedRequestContext): Promise<ReadResponse> {
  const limits = resolveLimits(context.limits);
  const origin = url.origin;
  const controller = new AbortController();
  const signal = init.signal ? AbortSignal.any([init.signal, controller.signal]) : controller.signal;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new RequestTimeoutError({ origin, endpoint: context.endpoint, timeoutMs: limits.timeoutMs });
      controller.abort(error);
      reject(error);
    }, limits.timeoutMs);
  });
  expired.catch(() => {}); // raced below; unobserved when the request finishes first
  try {
    const response = await Promise.race([fetchFn(url, { ...init, signal }), expired]);
    const tooLarge = () => {
      const error = new ResponseTooLargeError({ origin, endpoint: context.endpoint, maxResponseBytes: limits.maxResponseBytes });
      controller.abort(error); // drops the connection: the rest of the body is never downloaded
      return error;
    };
    const text = await readCapped(response, limits.maxResponseBytes, expired, tooLarge);
    return { status: response.status, headers: response.headers, text };
  } catch (error) {
    if (error instanceof RequestTimeoutError || error instanceof ResponseTooLargeError) throw error;
    throw new NetworkError(`${origin}${url.pathname}`, error, undefined, context.redactor);
  } finally {
    clearTimeout(timer);
  }
}

/** The body as text, read in chunks and given up past `limit` bytes (declared or actual). */
async function readCapped(response: Response, limit: number, expired: Promise<never>, tooLarge: () => Error): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > limit) {
    void response.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), expired]);
      if (done) break;
      size += value.byteLength;
      if (size > limit) throw tooLarge();
      chunks.push(value);
    }
  } catch (error) {
    void reader.cancel().catch(() => {});
    throw error;
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/**
 * A web-standard Request for `url`. Refuses, as fetch itself would, a URL holding a user name or
 * password, but with a {@link NetworkError} that names only the origin and path (the Request
 * constructor's own message quotes the password): the error's text is that and a fixed sentence,
 * so it holds nothing to redact.
 */
export function newRequest(url: URL, init: RequestInit): Request {
  if (url.username || url.password) {
    throw new NetworkError(`${url.origin}${url.pathname}`, new TypeError('fetch refuses a URL with a user name or password in it'));
  }
  return new Request(url, init);
}

/**
 * Sends a built request with `fetchFn` through {@link fetchBounded} (deadline, size cap) and reads
 * the body. The status is not judged: the step's process function does that. The injected fetch
 * is called with the URL and a plain init (the body read once), as a hand-written fetch expects.
 */
export async function fetchRequest(fetchFn: FetchLike, request: Request, context: BoundedRequestContext): Promise<ReadResponse> {
  const body = request.body ? await request.arrayBuffer() : undefined;
  const init: RequestInit = { method: request.method, headers: request.headers, signal: request.signal, redirect: request.redirect };
  if (body !== undefined) init.body = body;
  return fetchBounded(fetchFn, new URL(request.url), init, context);
}

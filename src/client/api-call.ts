/**
 * An API call as a build/process pair, like the token endpoint's steps: {@link buildApiRequest}
 * turns a prepared call and an access token into a web-standard `Request` (pure), and
 * {@link processApiResponse} reads the answer, already fetched and read, into an
 * {@link ApiResponse} or the typed error of its shape (pure). The client sends in between, with
 * its injected fetch, retries and rate-limit handling: it encodes the call once
 * ({@link encodeApiCall}) and sends {@link apiRequestInit} on every attempt.
 */
import type { Clock } from '../core/clock.ts';
import { assertOk } from '../core/error-response.ts';
import { MalformedResponseError } from '../core/errors/malformed-response-error.ts';
import { newRequest, type ReadResponse } from '../core/http.ts';
import type { LoginCommand } from '../core/login-command.ts';
import { parseRateLimitHeaders, type RateLimitState } from '../core/rate-limit.ts';
import { Redactor } from '../core/redactor.ts';
import type { Scope } from '../core/scopes.ts';
import type { PreparedRequest } from './request-options.ts';

/** A response with everything a caller (or the `strava-auth api` command) may show. */
export interface ApiResponse<T> {
  status: number;
  headers: Headers;
  /** The parsed JSON body; the text for non-JSON bodies; undefined for an empty body. */
  data: T;
  /** The body as received. */
  text: string;
  /** The rate-limit headers of this response, if any. */
  rateLimit: RateLimitState | undefined;
}

/** What {@link processApiResponse} knows besides the answer. */
export interface ApiResponseContext {
  clock: Clock;
  /** The token's scopes, for a `MissingScopeError` built from Strava's 401. */
  grantedScopes?: readonly Scope[] | undefined;
  /** The access token the call carried, kept out of an error's text. */
  accessToken?: string | undefined;
  /** The command that logs in again, for remedies (the CLI's); a neutral remedy without it. */
  loginCommand?: LoginCommand | undefined;
}

/**
 * The request of one call: the token in the `Authorization` header and nowhere else.
 *
 * @example
 * const request = buildApiRequest(prepareRequest(STRAVA_API_BASE_URL, 'GET', '/athlete'), accessToken);
 */
export function buildApiRequest(call: PreparedRequest, accessToken: string): Request {
  return newRequest(call.url, apiRequestInit(call, accessToken));
}

/**
 * What one attempt of `call` passes to fetch besides its URL: the token in the `Authorization`
 * header and nowhere else. The headers are checked (a name or value fetch would refuse is a
 * TypeError) as the Request constructor checks them.
 */
export function apiRequestInit(call: PreparedRequest, accessToken: string): RequestInit {
  return {
    method: call.method,
    headers: new Headers({ ...call.headers, authorization: `Bearer ${accessToken}` }),
    ...(call.body !== undefined && { body: call.body }),
    ...(call.signal && { signal: call.signal }),
  };
}

/**
 * `call` with its body encoded once into a Blob, with the content type the encoding chose (a
 * multipart boundary): fetch streams a Blob without copying it, so every attempt (a retry, a
 * rate-limit wait, a renewed token) sends these same bytes, where a FormData is serialized and
 * read into a new buffer per Request (a 25 MB upload, again each try). Refuses, as
 * {@link buildApiRequest} does, a URL with a user name or password.
 */
export async function encodeApiCall(call: PreparedRequest): Promise<PreparedRequest> {
  const request = newRequest(call.url, { method: call.method, headers: call.headers, ...(call.body !== undefined && { body: call.body }) });
  if (call.body === undefined) return call;
  const type = request.headers.get('content-type');
  return { ...call, headers: { ...call.headers, ...(type !== null && { 'content-type': type }) }, body: await request.blob() };
}

/**
 * Reads the answer to `call`: the parsed body (JSON by its content type, text otherwise,
 * undefined when empty) with the status, headers and rate-limit headers; or the typed error of a
 * non-2xx answer (`MissingScopeError`, `InvalidAccessTokenError`, `RateLimitError`, `NotFoundError`...).
 */
export function processApiResponse<T = unknown>(call: Pick<PreparedRequest, 'endpoint'>, response: ReadResponse, context: ApiResponseContext): ApiResponse<T> {
  assertOk(response, {
    endpoint: call.endpoint,
    clock: context.clock,
    grantedScopes: context.grantedScopes ?? [],
    loginCommand: context.loginCommand,
    redactor: new Redactor([context.accessToken]),
  });
  const type = response.headers.get('content-type') ?? '';
  let data: unknown;
  if (response.text.trim() === '') {
    data = undefined;
  } else if (/\bjson\b/i.test(type)) {
    try {
      data = JSON.parse(response.text);
    } catch {
      throw new MalformedResponseError(`${call.endpoint} answered with a body that is not JSON`, response.status);
    }
  } else {
    data = response.text;
  }
  return { status: response.status, headers: response.headers, data: data as T, text: response.text, rateLimit: parseRateLimitHeaders(response.headers) };
}

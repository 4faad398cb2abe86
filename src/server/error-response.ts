import { NetworkError } from '../core/errors/network-error.ts';
import { RateLimitError } from '../core/errors/rate-limit-error.ts';
import { StravaServerError } from '../core/errors/server-error.ts';
import { StravaAuthError } from '../core/errors/strava-auth-error.ts';
import { LockTimeoutError } from '../tokens/errors/lock-timeout-error.ts';
import { StoreUnavailableError } from '../tokens/errors/store-unavailable-error.ts';
import { TokensNotSavedError } from '../tokens/errors/tokens-not-saved-error.ts';
import { ServiceError } from './errors/service-error.ts';
import type { ServiceLog } from './service-log.ts';
import { UpstreamError } from './errors/upstream-error.ts';

/** What the service answers for a failure, before it becomes JSON or a page. */
export interface ErrorAnswer {
  status: number;
  code: string;
  message: string;
  remedy: string;
  /** Seconds, for `Retry-After` (503 and 502). */
  retryAfter?: number;
}

/** Seconds a client should wait after a store outage or a lock held too long. */
export const STORE_RETRY_AFTER_SECONDS = 5;

/** The summary without the remedy that StravaAuthError appends to its message. */
function summaryOf(error: StravaAuthError): string {
  const { message, remedy } = error;
  return remedy && message.endsWith(` ${remedy}`) ? message.slice(0, -remedy.length - 1) : message;
}

/** Strava's failures become 502 with a Retry-After (the rate-limit window's end for a 429). */
export function upstreamFailure(error: unknown, now: number): UpstreamError | undefined {
  if (error instanceof RateLimitError) return new UpstreamError(Math.max(1, Math.ceil((error.resetsAt.getTime() - now) / 1000)), error);
  if (error instanceof NetworkError || error instanceof StravaServerError) return new UpstreamError(STORE_RETRY_AFTER_SECONDS, error);
  return undefined;
}

/**
 * The answer for any error a route throws: a {@link ServiceError} as it says; a store outage or a
 * lock timeout 503 with Retry-After (nothing stored was changed, retrying is safe); Strava's
 * failures 502; anything else 500 with nothing of its text (it was not written for clients).
 */
export function errorAnswer(error: unknown, now: number): ErrorAnswer {
  const upstream = upstreamFailure(error, now);
  if (upstream) error = upstream;
  if (error instanceof UpstreamError) return { status: error.status, code: error.code, message: summaryOf(error), remedy: error.remedy, retryAfter: error.retryAfterSeconds };
  if (error instanceof ServiceError) return { status: error.status, code: error.code, message: summaryOf(error), remedy: error.remedy };
  if (error instanceof TokensNotSavedError) {
    // The new tokens are kept in this process and saved first on the next request for the athlete.
    return {
      status: 503,
      code: error.code,
      message: 'Strava issued new tokens, but the token store could not save them; this replica keeps them and saves them on the next request.',
      remedy: `Retry after ${STORE_RETRY_AFTER_SECONDS} s, to this replica if you can; if it persists, check the service's database (see /readyz and the service log).`,
      retryAfter: STORE_RETRY_AFTER_SECONDS,
    };
  }
  if (error instanceof StoreUnavailableError || error instanceof LockTimeoutError) {
    return {
      status: 503,
      code: error.code,
      message: 'The token store is unavailable right now; nothing stored was changed.',
      remedy: `Retry after ${STORE_RETRY_AFTER_SECONDS} s; if it persists, check the service's database (see /readyz and the service log).`,
      retryAfter: STORE_RETRY_AFTER_SECONDS,
    };
  }
  return {
    status: 500,
    code: 'internal_error',
    message: 'The service failed to answer this request.',
    remedy: 'Retry; if it persists, see the service log for this request.',
  };
}

/** The JSON body of an error answer: `{"error": {"code", "message", "remedy"}}`. */
export function errorBody(answer: ErrorAnswer): { error: { code: string; message: string; remedy: string } } {
  return { error: { code: answer.code, message: answer.message, remedy: answer.remedy } };
}

/** Headers of every JSON answer of the service: never cached, never sniffed as something else. */
export const API_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
const JSON_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'content-type': 'application/json', ...API_HEADERS });

/**
 * A JSON answer, as a Response with a plain header object. Hono's `c.json` with more than one
 * header, or `c.header`, builds a Headers object instead, which its Node adapter then copies out
 * again: together about a tenth of a cached token request.
 */
export function jsonResponse(text: string, status = 200, headers: Readonly<Record<string, string>> = JSON_HEADERS): Response {
  return new Response(text, { status, headers });
}

/**
 * The JSON answer to any error a route throws (see {@link errorAnswer}), with `Retry-After` when
 * retrying helps and `WWW-Authenticate` on a 401. Server-side failures are logged (the error's
 * name and code, never its text: it may quote what a client sent).
 */
export function errorResponse(error: unknown, now: number, log: ServiceLog): Response {
  const answer = errorAnswer(error, now);
  if (answer.status >= 500) log(answer.status === 500 ? 'error' : 'warn', 'request failed', { code: answer.code, error: error instanceof Error ? error.name : typeof error });
  const headers: Record<string, string> = { ...JSON_HEADERS };
  if (answer.retryAfter !== undefined) headers['retry-after'] = String(answer.retryAfter);
  if (answer.status === 401) headers['www-authenticate'] = 'Bearer';
  return jsonResponse(JSON.stringify(errorBody(answer)), answer.status, headers);
}

/** The answer for a path (or method) the service has no route for. */
export function notFoundResponse(): Response {
  const body = errorBody({ status: 404, code: 'not_found', message: 'No such route.', remedy: 'See the README of strava-auth serve for the routes.' });
  return jsonResponse(JSON.stringify(body), 404);
}

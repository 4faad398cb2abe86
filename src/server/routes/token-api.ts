import { Hono, type Context } from 'hono';
import type { AthleteTokens, TokenAnswer } from '../athlete-tokens.ts';
import type { ApiKeyVerifier } from '../api-keys.ts';
import { bearerCredential } from '../api-keys.ts';
import { API_HEADERS, errorResponse, jsonResponse, notFoundResponse } from '../error-response.ts';
import { InvalidRequestError } from '../errors/invalid-request-error.ts';
import { UnauthorizedError } from '../errors/unauthorized-error.ts';
import type { ObserveRequest } from '../request-observer.ts';
import type { ServiceLog } from '../service-log.ts';

/** Strava renews an access token only once it has less than an hour left: asking more cannot be met. */
export const MAX_MIN_VALID_SECONDS = 3_599;
const MAX_PAGE_SIZE = 200;
const DEFAULT_PAGE_SIZE = 50;
/** Where the token API lives: `createTokenService` sends every request under it to this app. */
export const API_BASE = '/v1';

/** What the token API needs of the service. */
export interface TokenApiDeps {
  athletes: AthleteTokens;
  keys: ApiKeyVerifier;
  observe: ObserveRequest;
  log: ServiceLog;
  /** ms since the epoch, for Retry-After. */
  now: () => number;
}

/** A non-negative integer query parameter no larger than `max`, or `fallback` when absent. */
function integerParam(value: string | undefined, name: string, max: number, fallback: number, remedy: string): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,16}$/.test(value) || Number(value) > max) throw new InvalidRequestError(`${name} must be a whole number from 0 to ${max}.`, remedy);
  return Number(value);
}

/** The athlete id of the path: digits only (routes match no other), below 2^53. */
function athleteIdParam(value: string | undefined): number {
  const id = Number(value);
  if (!Number.isSafeInteger(id) || id <= 0) throw new InvalidRequestError('The athlete id must be a positive whole number.', 'Use the numeric Strava athlete id.');
  return id;
}

function json(value: unknown): Response {
  return jsonResponse(JSON.stringify(value));
}

/** The JSON of token answers handed out lately: the cache hands out the same answer object again. */
const tokenTexts = new WeakMap<TokenAnswer, string>();

function tokenResponse(answer: TokenAnswer): Response {
  let text = tokenTexts.get(answer);
  if (text === undefined) {
    text = JSON.stringify(answer);
    tokenTexts.set(answer, text);
  }
  return jsonResponse(text);
}

type Answer = Response | Promise<Response>;

/**
 * The token API under `/v1`, for the app's backend: every route needs `Authorization: Bearer
 * KEY`, an unknown path included (401 before 404: nothing is revealed without a key). Answers
 * JSON, errors as `{"error": {...}}`.
 *
 * An app of its own, without middleware: each route checks the key, answers and reports to
 * `observe` itself. A cached token request (a live key and a token in memory) is then answered
 * without a single promise, and Hono's Node adapter writes it at once: that halves what the
 * request costs above a bare node:http server.
 */
export function tokenApiRoutes(deps: TokenApiDeps): Hono {
  const { athletes, keys, observe } = deps;
  const failed = (error: unknown) => errorResponse(error, deps.now(), deps.log);

  /** `handler` behind the key check, with its answer (or its error's) reported. */
  const route =
    (pattern: string, handler: (c: Context) => Answer) =>
    (c: Context): Answer => {
      const start = performance.now();
      const report = (response: Response): Response => {
        observe(c.req.method, pattern, c.req.path, response.status, start);
        return response;
      };
      let answer: Answer;
      try {
        const key = bearerCredential(c.req.header('authorization'));
        answer = keys.isKnownLive(key)
          ? handler(c)
          : keys.verify(key).then((live) => {
              if (!live) throw new UnauthorizedError();
              return handler(c);
            });
      } catch (error) {
        answer = failed(error);
      }
      return answer instanceof Promise ? answer.catch(failed).then(report) : report(answer);
    };

  const api = new Hono().basePath(API_BASE);
  /** Registers `handler` for `method` on `path` (under /v1), reported as that route pattern. */
  const on = (method: 'GET' | 'DELETE', path: string, handler: (c: Context) => Answer) => api.on(method, path, route(API_BASE + path, handler));

  on('GET', '/athletes/:id{[0-9]+}/token', (c) => {
    const minValid = integerParam(
      c.req.query('min_valid'),
      'min_valid',
      MAX_MIN_VALID_SECONDS,
      0,
      'Ask for at most 3599 seconds: Strava hands out a new token only once the current one has less than an hour left.',
    );
    const athleteId = athleteIdParam(c.req.param('id'));
    const cached = athletes.cachedToken(athleteId, minValid);
    return cached ? tokenResponse(cached) : athletes.token(athleteId, minValid).then(tokenResponse);
  });

  on('GET', '/athletes', async (c) => {
    const remedy = 'Pass limit (1-200) and after (the next_after of the previous page).';
    const limit = Math.max(1, integerParam(c.req.query('limit'), 'limit', MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE, remedy));
    const after = integerParam(c.req.query('after'), 'after', Number.MAX_SAFE_INTEGER, 0, remedy);
    return json(await athletes.list(after, limit));
  });

  on('GET', '/athletes/:id{[0-9]+}', async (c) => json(await athletes.describe(athleteIdParam(c.req.param('id')))));

  on('DELETE', '/athletes/:id{[0-9]+}', async (c) => {
    await athletes.forget(athleteIdParam(c.req.param('id')));
    return new Response(null, { status: 204, headers: API_HEADERS });
  });

  // Not a catch-all route: with one, every request would match two handlers (and go the slow way).
  api.notFound(route('unmatched', notFoundResponse));
  api.onError((error) => failed(error));
  return api;
}

import { Hono } from 'hono';
import type { AthleteTokens } from '../athlete-tokens.ts';
import type { ApiKeyVerifier } from '../api-keys.ts';
import { bearerCredential } from '../api-keys.ts';
import { InvalidRequestError } from '../errors/invalid-request-error.ts';
import { UnauthorizedError } from '../errors/unauthorized-error.ts';

/** Strava renews an access token only once it has less than an hour left: asking more cannot be met. */
export const MAX_MIN_VALID_SECONDS = 3_599;
const MAX_PAGE_SIZE = 200;
const DEFAULT_PAGE_SIZE = 50;

/** A non-negative integer query parameter no larger than `max`, or `fallback` when absent. */
function integerParam(value: string | undefined, name: string, max: number, fallback: number, remedy: string): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,16}$/.test(value) || Number(value) > max) throw new InvalidRequestError(`${name} must be a whole number from 0 to ${max}.`, remedy);
  return Number(value);
}

/** The athlete id of the path: digits only (routes match no other), below 2^53. */
function athleteIdParam(value: string): number {
  const id = Number(value);
  if (!Number.isSafeInteger(id) || id <= 0) throw new InvalidRequestError('The athlete id must be a positive whole number.', 'Use the numeric Strava athlete id.');
  return id;
}

/**
 * The token API under `/v1`, for the app's backend: every route needs `Authorization: Bearer
 * KEY`. Answers JSON; errors go to the service's error handler.
 */
export function tokenApiRoutes(athletes: AthleteTokens, keys: ApiKeyVerifier): Hono {
  const api = new Hono();
  api.use('*', async (c, next) => {
    if (!(await keys.verify(bearerCredential(c.req.header('authorization'))))) throw new UnauthorizedError();
    c.header('cache-control', 'no-store');
    await next();
  });

  api.get('/athletes/:id{[0-9]+}/token', async (c) => {
    const minValid = integerParam(
      c.req.query('min_valid'),
      'min_valid',
      MAX_MIN_VALID_SECONDS,
      0,
      'Ask for at most 3599 seconds: Strava hands out a new token only once the current one has less than an hour left.',
    );
    return c.json(await athletes.token(athleteIdParam(c.req.param('id')), minValid));
  });

  api.get('/athletes', async (c) => {
    const remedy = 'Pass limit (1-200) and after (the next_after of the previous page).';
    const limit = Math.max(1, integerParam(c.req.query('limit'), 'limit', MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE, remedy));
    const after = integerParam(c.req.query('after'), 'after', Number.MAX_SAFE_INTEGER, 0, remedy);
    return c.json(await athletes.list(after, limit));
  });

  api.get('/athletes/:id{[0-9]+}', async (c) => c.json(await athletes.describe(athleteIdParam(c.req.param('id')))));

  api.delete('/athletes/:id{[0-9]+}', async (c) => {
    await athletes.forget(athleteIdParam(c.req.param('id')));
    return c.body(null, 204);
  });
  return api;
}

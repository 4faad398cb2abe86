import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AppInactiveError } from '../src/core/errors/app-inactive-error.ts';
import { ApplicationError } from '../src/core/errors/application-error.ts';
import { AthleteCapacityError } from '../src/core/errors/athlete-capacity-error.ts';
import { InvalidAccessTokenError } from '../src/core/errors/invalid-access-token-error.ts';
import { InvalidClientError } from '../src/core/errors/invalid-client-error.ts';
import { InvalidCodeError } from '../src/core/errors/invalid-code-error.ts';
import { InvalidRefreshTokenError } from '../src/core/errors/invalid-refresh-token-error.ts';
import { ManualClock } from '../src/core/clock.ts';
import { MissingScopeError } from '../src/core/errors/missing-scope-error.ts';
import { NotFoundError } from '../src/core/errors/not-found-error.ts';
import { RateLimitError } from '../src/core/errors/rate-limit-error.ts';
import { StravaApiError } from '../src/core/errors/strava-api-error.ts';
import { StravaServerError } from '../src/core/errors/server-error.ts';
import { errorFromResponse } from '../src/core/error-response.ts';
import { parseRateLimitHeaders } from '../src/core/rate-limit.ts';

const clock = new ManualClock({ frozen: true, start: Date.parse('2026-11-25T10:07:30Z') });
const fault = (message: string, resource: string, field: string, code: string) =>
  JSON.stringify({ message, errors: [{ resource, field, code }] });

// One row per line of protocol section 4: the body Strava sends, and the error the caller gets.
const rows: Array<{ situation: string; status: number; body: string; type: new (...args: never[]) => Error; code: string; message: RegExp }> = [
  { situation: 'invalid or expired access token', status: 401, body: fault('Authorization Error', 'Athlete', 'access_token', 'invalid'), type: InvalidAccessTokenError, code: 'invalid_access_token', message: /access token.*Refresh the tokens.*ask the athlete to authorize the app again\.$/ },
  { situation: 'token lacks a scope', status: 401, body: fault('Authorization Error', 'AccessToken', 'activity:read_permission', 'missing'), type: MissingScopeError, code: 'missing_scope', message: /needs the activity:read scope.*Ask the athlete to authorize the app again with scope=read,activity:read and/ },
  { situation: 'app-level failure', status: 401, body: fault('Authorization Error', 'Application', '', 'invalid'), type: ApplicationError, code: 'application_invalid', message: /refused the application/ },
  { situation: 'bad or reused code', status: 400, body: fault('Bad Request', 'AuthorizationCode', 'code', 'invalid'), type: InvalidCodeError, code: 'invalid_code', message: /already used.*Start the authorization again to get a fresh code\.$/ },
  { situation: 'bad code (older RequestToken)', status: 400, body: fault('Bad Request', 'RequestToken', 'code', 'invalid'), type: InvalidCodeError, code: 'invalid_code', message: /authorization code/ },
  { situation: 'expired code (field "" code expired)', status: 400, body: fault('Bad Request', 'AuthorizationCode', '', 'expired'), type: InvalidCodeError, code: 'invalid_code', message: /authorization code/ },
  { situation: 'bad refresh token', status: 400, body: fault('Bad Request', 'RefreshToken', 'refresh_token', 'invalid'), type: InvalidRefreshTokenError, code: 'invalid_refresh_token', message: /Ask the athlete to authorize the app again: only a new authorization/ },
  { situation: 'bad client_id', status: 400, body: fault('Bad Request', 'Application', 'client_id', 'invalid'), type: InvalidClientError, code: 'invalid_client_id', message: /does not know this client id.*STRAVA_CLIENT_ID/ },
  { situation: 'bad or missing client_secret', status: 400, body: fault('Bad Request', 'Application', 'client_secret', 'invalid'), type: InvalidClientError, code: 'invalid_client_secret', message: /rejected the client secret.*STRAVA_CLIENT_SECRET/ },
  { situation: 'rate limit', status: 429, body: fault('Rate Limit Exceeded', 'Application', 'rate limit', 'exceeded'), type: RateLimitError, code: 'rate_limited', message: /15-minute rate limit.*2026-11-25T10:15:00.000Z/ },
  { situation: 'app inactive', status: 403, body: fault('Forbidden', 'Application', 'Status', 'Inactive'), type: AppInactiveError, code: 'app_inactive', message: /inactive.*developer subscription/ },
  { situation: 'athlete capacity reached (HTML)', status: 403, body: '<html><h1>Limit of connected athletes exceeded</h1></html>', type: AthleteCapacityError, code: 'athlete_capacity', message: /limit of connected athletes/ },
  { situation: 'not found (empty body)', status: 404, body: '', type: NotFoundError, code: 'not_found', message: /found nothing at GET \/x/ },
  { situation: 'server error', status: 503, body: 'Service Unavailable', type: StravaServerError, code: 'server_error', message: /HTTP 503/ },
  { situation: 'anything else', status: 418, body: fault('Teapot', 'Kettle', 'spout', 'short'), type: StravaApiError, code: 'strava_error', message: /HTTP 418 Teapot \(Kettle\/spout\/short\)/ },
];

describe('errorFromResponse maps every shape of protocol section 4', () => {
  for (const row of rows) {
    test(`${row.status} ${row.situation} → ${row.type.name}`, () => {
      const error = errorFromResponse(row.status, new Headers(), row.body, { endpoint: 'GET /x', clock, grantedScopes: ['read'] });
      assert.ok(error instanceof row.type, `got ${error.name}`);
      assert.equal(error.code, row.code);
      assert.match(error.message, row.message);
      if (error instanceof StravaApiError) assert.equal(error.status, row.status);
      // The serialized error is safe to log and still says what happened.
      assert.equal(JSON.parse(JSON.stringify(error)).code, row.code);
    });
  }
  test('a 429 with a used-up daily budget resets at midnight UTC', () => {
    const headers = new Headers({ 'x-ratelimit-limit': '200,2000', 'x-ratelimit-usage': '12,2000' });
    const error = errorFromResponse(429, headers, '{}', { endpoint: 'GET /x', clock });
    assert.ok(error instanceof RateLimitError);
    assert.equal(error.window, 'daily');
    assert.equal(error.resetsAt.toISOString(), '2026-11-26T00:00:00.000Z');
    assert.equal(error.rateLimit?.overall?.dailyUsage, 2000);
  });
  test('MissingScopeError names the missing scope, what the token has, and the new authorization that fixes it', () => {
    const error = errorFromResponse(401, new Headers(), fault('Authorization Error', 'AccessToken', 'activity:write_permission', 'missing'), {
      endpoint: 'POST /uploads',
      clock,
      grantedScopes: ['read', 'activity:read'],
    });
    assert.ok(error instanceof MissingScopeError);
    assert.deepEqual(error.missing, ['activity:write']);
    assert.equal(
      error.message,
      "POST /uploads needs the activity:write scope, but the token only has read, activity:read. Ask the athlete to authorize the app again with scope=read,activity:read,activity:write and to leave its box ticked on Strava's consent page.",
    );
    assert.deepEqual([error.scopesToRequest, error.loginCommand, error.preflight, error.status], [['read', 'activity:read', 'activity:write'], undefined, false, 401]);
  });
});

describe('parseRateLimitHeaders', () => {
  const casings: Array<Record<string, string>> = [
    { 'X-RateLimit-Limit': '200,2000', 'X-RateLimit-Usage': '5,50', 'X-ReadRateLimit-Limit': '100,1000', 'X-ReadRateLimit-Usage': '3,30' },
    { 'x-ratelimit-limit': '200, 2000', 'x-ratelimit-usage': ' 5 ,50', 'x-readratelimit-limit': '100,1000', 'x-readratelimit-usage': '3, 30' },
    { 'X-RATELIMIT-LIMIT': '200,2000', 'X-RATELIMIT-USAGE': '5,50', 'X-READRATELIMIT-LIMIT': '100,1000', 'X-READRATELIMIT-USAGE': '3,30' },
    { 'x-Ratelimit-limit': '200 ,2000', 'X-rateLimit-Usage': '5,50', 'x-readRateLimit-limit': '100,1000', 'X-ReadRatelimit-usage': '3,30' },
  ];
  for (const headers of casings) {
    test(`parses ${Object.keys(headers)[0]}`, () => {
      const expected = {
        overall: { shortLimit: 200, dailyLimit: 2000, shortUsage: 5, dailyUsage: 50 },
        read: { shortLimit: 100, dailyLimit: 1000, shortUsage: 3, dailyUsage: 30 },
      };
      assert.deepEqual(parseRateLimitHeaders(headers), expected);
      assert.deepEqual(parseRateLimitHeaders(new Headers(headers)), expected);
    });
  }
  test('absent or garbled headers give undefined budgets', () => {
    assert.equal(parseRateLimitHeaders({}), undefined);
    assert.equal(parseRateLimitHeaders({ 'X-RateLimit-Limit': 'lots', 'X-RateLimit-Usage': '1,2' }), undefined);
    assert.deepEqual(parseRateLimitHeaders({ 'X-RateLimit-Limit': '600,30000', 'X-RateLimit-Usage': '1,2' })?.read, undefined);
  });
});

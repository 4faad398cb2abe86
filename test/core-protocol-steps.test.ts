/**
 * Each protocol step as a pair: the build half is pure (the exact Request, nothing sent), the
 * process half reads each of Strava's error shapes (protocol section 4) into its typed error.
 * The plain functions that send in between are tested against the emulator elsewhere
 * (core-token-endpoint, client-*).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  AppInactiveError,
  ApplicationError,
  AthleteCapacityError,
  InvalidAccessTokenError,
  InvalidClientError,
  InvalidCodeError,
  InvalidRefreshTokenError,
  ManualClock,
  MissingScopeError,
  NetworkError,
  NotFoundError,
  RateLimitError,
  StravaServerError,
  buildCodeExchangeRequest,
  buildDeauthorizeRequest,
  buildRefreshRequest,
  buildRevokeRequest,
  processCodeExchangeResponse,
  processDeauthorizeResponse,
  processRefreshResponse,
  processRevokeResponse,
  type OAuthConfig,
  type ReadResponse,
} from '../src/index.ts';
import { buildApiRequest, processApiResponse } from '../src/client/api-call.ts';
import { prepareRequest } from '../src/client/request-options.ts';
import { obtainCode, startTestEmulator } from './helpers/emulator.ts';

const clock = new ManualClock({ start: Date.parse('2026-11-30T10:00:00Z'), frozen: true });
const config: OAuthConfig = { clientId: 4242, clientSecret: 'client-SECRET-1', baseUrl: 'http://127.0.0.1:9', clock, fetch: () => assert.fail('a pure step fetched') };

/** The request as plain data: what the wire would carry. */
async function wire(request: Request): Promise<{ method: string; url: string; headers: Record<string, string>; body: string }> {
  return { method: request.method, url: request.url, headers: Object.fromEntries(request.headers), body: await request.text() };
}

describe('build: the exact request, nothing sent', () => {
  test('code exchange: a form POST to /oauth/token with the client credentials in the body', async () => {
    assert.deepEqual(await wire(buildCodeExchangeRequest(config, 'the-code')), {
      method: 'POST',
      url: 'http://127.0.0.1:9/oauth/token',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'client_id=4242&client_secret=client-SECRET-1&grant_type=authorization_code&code=the-code',
    });
  });

  test('refresh: the refresh token as grant', async () => {
    assert.deepEqual(await wire(buildRefreshRequest(config, 'refresh-1')), {
      method: 'POST',
      url: 'http://127.0.0.1:9/oauth/token',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'client_id=4242&client_secret=client-SECRET-1&grant_type=refresh_token&refresh_token=refresh-1',
    });
  });

  test('revoke: HTTP Basic client authentication, the token and its hint in the form', async () => {
    assert.deepEqual(await wire(buildRevokeRequest(config, 'refresh-1', 'refresh_token')), {
      method: 'POST',
      url: 'http://127.0.0.1:9/oauth/revoke',
      headers: {
        accept: 'application/json',
        authorization: `Basic ${btoa('4242:client-SECRET-1')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'token=refresh-1&token_type_hint=refresh_token',
    });
    assert.equal(await buildRevokeRequest(config, 'access-1').text(), 'token=access-1');
  });

  test('deauthorize: the access token in the Authorization header, no body, nothing in the URL', async () => {
    assert.deepEqual(await wire(buildDeauthorizeRequest(config, 'access-1')), {
      method: 'POST',
      url: 'http://127.0.0.1:9/oauth/deauthorize',
      headers: { accept: 'application/json', authorization: 'Bearer access-1' },
      body: '',
    });
  });

  test('API call: the token in the Authorization header only; query, JSON and form bodies as prepared', async () => {
    const base = 'http://127.0.0.1:9/api/v3';
    assert.deepEqual(await wire(buildApiRequest(prepareRequest(base, 'GET', '/athlete/activities', { query: { page: 2, per_page: 50 } }), 'access-1')), {
      method: 'GET',
      url: 'http://127.0.0.1:9/api/v3/athlete/activities?page=2&per_page=50',
      headers: { accept: 'application/json', authorization: 'Bearer access-1' },
      body: '',
    });
    assert.deepEqual(await wire(buildApiRequest(prepareRequest(base, 'PUT', '/activities/7', { body: { name: 'Ride' } }), 'access-1')), {
      method: 'PUT',
      url: 'http://127.0.0.1:9/api/v3/activities/7',
      headers: { accept: 'application/json', authorization: 'Bearer access-1', 'content-type': 'application/json' },
      body: '{"name":"Ride"}',
    });
    assert.deepEqual(await wire(buildApiRequest(prepareRequest(base, 'POST', '/activities', { form: { name: 'Run', elapsed_time: 60 } }), 'access-1')), {
      method: 'POST',
      url: 'http://127.0.0.1:9/api/v3/activities',
      headers: { accept: 'application/json', authorization: 'Bearer access-1', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=Run&elapsed_time=60',
    });
  });

  test('a base URL with a user name or password: a NetworkError naming only origin and path (fetch would refuse it too)', () => {
    const error = (() => {
      try {
        buildRefreshRequest({ ...config, baseUrl: 'http://alice:PW-secret@127.0.0.1:9' }, 'refresh-1');
      } catch (e) {
        return e;
      }
      return assert.fail('built');
    })();
    assert.ok(error instanceof NetworkError);
    assert.equal(error.message, 'Could not reach http://127.0.0.1:9/oauth/token: fetch refuses a URL with a user name or password in it. Check the network connection, STRAVA_BASE_URL if set, and any proxy (HTTPS_PROXY), then try again.');
  });
});

const answer = (status: number, body: unknown, headers: Record<string, string> = {}): ReadResponse => ({
  status,
  headers: new Headers(headers),
  text: typeof body === 'string' ? body : JSON.stringify(body),
});
const strava = (status: number, message: string, resource: string, field: string, code: string) => answer(status, { message, errors: [{ resource, field, code }] });

/** Protocol section 4, row by row: the answer and the error class it must become. */
const SHAPES: { name: string; response: ReadResponse; error: new (...args: never[]) => Error; check?: (error: Error) => void }[] = [
  { name: 'invalid or expired access token', response: strava(401, 'Authorization Error', 'Athlete', 'access_token', 'invalid'), error: InvalidAccessTokenError },
  {
    name: 'token lacks a scope',
    response: strava(401, 'Authorization Error', 'AccessToken', 'activity:read_permission', 'missing'),
    error: MissingScopeError,
    check: (e) => assert.deepEqual((e as MissingScopeError).missing, ['activity:read']),
  },
  { name: 'app-level failure', response: strava(401, 'Authorization Error', 'Application', '', 'invalid'), error: ApplicationError },
  { name: 'bad or reused code', response: strava(400, 'Bad Request', 'AuthorizationCode', 'code', 'invalid'), error: InvalidCodeError },
  { name: 'bad code, older shape', response: strava(400, 'Bad Request', 'RequestToken', 'code', 'invalid'), error: InvalidCodeError },
  { name: 'expired code', response: strava(400, 'Bad Request', 'AuthorizationCode', '', 'expired'), error: InvalidCodeError },
  { name: 'bad refresh token', response: strava(400, 'Bad Request', 'RefreshToken', 'refresh_token', 'invalid'), error: InvalidRefreshTokenError },
  {
    name: 'bad client_id',
    response: strava(400, 'Bad Request', 'Application', 'client_id', 'invalid'),
    error: InvalidClientError,
    check: (e) => assert.equal((e as InvalidClientError).field, 'client_id'),
  },
  {
    name: 'bad or missing client_secret',
    response: strava(400, 'Bad Request', 'Application', 'client_secret', 'invalid'),
    error: InvalidClientError,
    check: (e) => assert.equal((e as InvalidClientError).field, 'client_secret'),
  },
  {
    name: 'rate limit',
    response: { ...strava(429, 'Rate Limit Exceeded', 'Application', 'rate limit', 'exceeded'), headers: new Headers({ 'x-ratelimit-limit': '100,1000', 'x-ratelimit-usage': '101,200' }) },
    error: RateLimitError,
    check: (e) => assert.equal((e as RateLimitError).window, 'short'),
  },
  { name: 'app inactive', response: strava(403, 'Forbidden', 'Application', 'Status', 'Inactive'), error: AppInactiveError },
  { name: 'athlete capacity reached', response: answer(403, '<html><body><h1>Limit of connected athletes exceeded</h1></body></html>'), error: AthleteCapacityError },
  { name: 'not found, empty body', response: answer(404, ''), error: NotFoundError },
  { name: 'server error', response: answer(503, 'upstream unavailable'), error: StravaServerError },
];

/** Every process half, with the secrets its request carried. */
const STEPS: Record<string, (response: ReadResponse) => unknown> = {
  'code exchange': (r) => processCodeExchangeResponse(config, r, { scopes: ['read'], secrets: ['the-code'] }),
  refresh: (r) => processRefreshResponse(config, r, { scopes: ['read'], secrets: ['refresh-1'] }),
  revoke: (r) => processRevokeResponse(config, r, { secrets: ['refresh-1'] }),
  deauthorize: (r) => processDeauthorizeResponse(config, r, { secrets: ['access-1'] }),
  'API call': (r) => processApiResponse({ endpoint: 'GET /athlete' }, r, { clock, grantedScopes: ['read'], accessToken: 'access-1' }),
};

describe('process: each Strava error shape becomes its typed error, in every step', () => {
  for (const [step, processStep] of Object.entries(STEPS)) {
    test(step, () => {
      for (const shape of SHAPES) {
        const error = (() => {
          try {
            processStep(shape.response);
          } catch (e) {
            return e;
          }
          return assert.fail(`${step}, ${shape.name}: no error`);
        })();
        assert.ok(error instanceof shape.error, `${step}, ${shape.name}: got ${String(error)}`);
        shape.check?.(error);
      }
    });
  }

  test('a server echoing the request: none of the secrets the request carried in the error', () => {
    const echoed = strava(400, 'Bad Request client-SECRET-1 the-code refresh-1 access-1', 'RefreshToken', 'refresh_token', 'invalid');
    const carried: Record<string, string[]> = {
      'code exchange': ['client-SECRET-1', 'the-code'],
      refresh: ['client-SECRET-1', 'refresh-1'],
      revoke: ['client-SECRET-1', 'refresh-1'],
      deauthorize: ['access-1'],
      'API call': ['access-1'],
    };
    for (const [step, processStep] of Object.entries(STEPS)) {
      const error = (() => {
        try {
          processStep(echoed);
        } catch (e) {
          return e;
        }
        return assert.fail(`${step}: no error`);
      })();
      const text = `${(error as Error).message} ${JSON.stringify(error)}`;
      for (const secret of carried[step] ?? []) assert.ok(!text.includes(secret), `${step}: ${secret} in ${text}`);
    }
  });
});

describe('process: the success answers', () => {
  test('code exchange and refresh: a TokenSet with the login scopes and the athlete carried over', () => {
    const exchanged = processCodeExchangeResponse(config, answer(200, { token_type: 'Bearer', access_token: 'a1', refresh_token: 'r1', expires_at: 1_800_000_000, athlete: { id: 7 } }), {
      scopes: ['read', 'activity:write'],
    });
    assert.deepEqual(exchanged.toData(), { accessToken: 'a1', refreshToken: 'r1', expiresAt: 1_800_000_000, scopes: ['read', 'activity:write'], tokenType: 'Bearer', athlete: { id: 7 } });
    const refreshed = processRefreshResponse(config, answer(200, { token_type: 'Bearer', access_token: 'a2', refresh_token: 'r2', expires_in: 21_600 }), {
      scopes: exchanged.scopes,
      athlete: exchanged.athlete,
    });
    assert.deepEqual(refreshed.toData(), { accessToken: 'a2', refreshToken: 'r2', expiresAt: Math.floor(clock.now() / 1000) + 21_600, scopes: ['read', 'activity:write'], tokenType: 'Bearer', athlete: { id: 7 } });
  });

  test('revoke and deauthorize: nothing on 200; the API call: JSON by content type, text otherwise, undefined when empty', () => {
    assert.equal(processRevokeResponse(config, answer(200, {})), undefined);
    assert.equal(processDeauthorizeResponse(config, answer(200, { access_token: 'x' })), undefined);
    const json = processApiResponse({ endpoint: 'GET /athlete' }, answer(200, { id: 1 }, { 'content-type': 'application/json; charset=utf-8', 'x-ratelimit-limit': '200,2000', 'x-ratelimit-usage': '1,1' }), { clock });
    assert.deepEqual(json.data, { id: 1 });
    assert.deepEqual(json.rateLimit?.overall, { shortLimit: 200, dailyLimit: 2000, shortUsage: 1, dailyUsage: 1 });
    assert.equal(processApiResponse({ endpoint: 'GET /routes/{id}/export_gpx' }, answer(200, '<gpx/>', { 'content-type': 'application/gpx+xml' }), { clock }).data, '<gpx/>');
    assert.equal(processApiResponse({ endpoint: 'PUT /segments/{id}/starred' }, answer(204, ''), { clock }).data, undefined);
  });
});

describe('the pairs with a fetch of your own', () => {
  test('the built Request goes to the emulator as it is; the read answer becomes tokens, then a refresh, a revocation', async (t) => {
    const emu = await startTestEmulator(t);
    const app: OAuthConfig = { clientId: emu.clientId, clientSecret: emu.clientSecret, baseUrl: emu.url, clock: emu.clock };
    const read = async (request: Request): Promise<ReadResponse> => {
      const response = await fetch(request);
      return { status: response.status, headers: response.headers, text: await response.text() };
    };
    const code = await obtainCode(emu, 'activity:write');
    const tokens = processCodeExchangeResponse(app, await read(buildCodeExchangeRequest(app, code)), { scopes: ['read', 'activity:write'] });
    assert.equal(tokens.athlete?.id, 1);
    await assert.rejects(async () => processCodeExchangeResponse(app, await read(buildCodeExchangeRequest(app, code)), { scopes: [] }), InvalidCodeError, 'a code is used once');
    emu.clock.advance(6 * 3600);
    const refreshed = processRefreshResponse(app, await read(buildRefreshRequest(app, tokens.refreshToken)), { scopes: tokens.scopes, athlete: tokens.athlete });
    assert.notEqual(refreshed.accessToken, tokens.accessToken);
    processRevokeResponse(app, await read(buildRevokeRequest(app, refreshed.refreshToken, 'refresh_token')));
    await assert.rejects(
      async () => processRefreshResponse(app, await read(buildRefreshRequest(app, refreshed.refreshToken)), { scopes: [] }),
      InvalidRefreshTokenError,
      'the revoked grant refreshes no more',
    );
  });
});

/**
 * A server that echoes the whole request (Authorization header, URL, body) into Strava-shaped
 * error JSON must not get a single secret into the errors the library throws: not the message,
 * the remedy, stravaMessage, faults or toJSON. Real HTTP on 127.0.0.1 (test/fixtures/hostile-server.ts).
 */
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { StravaClient } from '../src/client/strava-client.ts';
import { NetworkError } from '../src/core/errors/network-error.ts';
import { StravaApiError } from '../src/core/errors/strava-api-error.ts';
import { StravaAuthError } from '../src/core/errors/strava-auth-error.ts';
import { deauthorize, exchangeCode, refreshTokens, revokeToken, type OAuthConfig } from '../src/core/token-endpoint.ts';
import { startHostileServer, type HostileServer } from './fixtures/hostile-server.ts';
import { assertNoSecret as assertNoneOf } from './helpers/secrets.ts';

// Characters that change under URL, form and JSON encoding, so each encoding of the echo is tried.
const CLIENT_ID = 424242;
const CLIENT_SECRET = 'cl1ent+secret/with=odd&chars é';
const ACCESS_TOKEN = 'acc3ss+token/é=zz';
const REFRESH_TOKEN = 'refr3sh+token/é?&x';
const CODE = 'auth+code/é=1234';

// Basic credentials as btoa makes them (Latin-1) and as UTF-8; they differ for "é".
const BASIC = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`, 'latin1').toString('base64');
const SECRETS = [CLIENT_SECRET, ACCESS_TOKEN, REFRESH_TOKEN, CODE, BASIC, Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')];

const assertNoSecret = (text: string, where: string, secrets: readonly string[] = SECRETS) => assertNoneOf(text, where, secrets);

/** Every place an error may carry server text. */
function assertCleanError(error: unknown): void {
  assert.ok(error instanceof StravaAuthError, `not a StravaAuthError: ${String(error)}`);
  assertNoSecret(error.message, 'message');
  assertNoSecret(error.remedy, 'remedy');
  assertNoSecret(JSON.stringify(error), 'toJSON');
  if (error instanceof StravaApiError) {
    assertNoSecret(error.stravaMessage ?? '', 'stravaMessage');
    assertNoSecret(JSON.stringify(error.faults), 'faults');
  }
}

async function echoServer(t: TestContext): Promise<HostileServer> {
  const server = await startHostileServer({ mode: 'echo' });
  t.after(() => server.close());
  return server;
}

function config(server: HostileServer): OAuthConfig {
  return { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, baseUrl: server.url, retry: { retries: 0, baseDelayMs: 0, maxDelayMs: 0 } };
}

/** Runs `call`, checks the echo server really received the secrets, and returns what was thrown. */
async function failure(server: HostileServer, call: () => Promise<unknown>, sent: string): Promise<unknown> {
  const error = await call().then(
    () => assert.fail('expected the echo server to fail the call'),
    (e: unknown) => e,
  );
  const request = server.requests.at(-1);
  assert.ok(request, 'the echo server saw no request');
  // The test is only worth something if the server did echo the secret back.
  assert.ok(`${JSON.stringify(request.headers)} ${request.body}`.includes(sent), `the request did not carry ${sent}`);
  return error;
}

describe('no secret in errors built from a server that echoes the request', { timeout: 20_000 }, () => {
  test('exchange: client secret and code', async (t) => {
    const server = await echoServer(t);
    const error = await failure(server, () => exchangeCode(config(server), CODE, { scopes: ['read'] }), encodeURIComponent(CLIENT_SECRET).replace(/%20/g, '+'));
    assert.ok(error instanceof StravaApiError);
    assert.match(error.stravaMessage ?? '', /^Bad Request: POST \/oauth\/token/); // the echo is there, only cleaned
    assertCleanError(error);
  });

  test('refresh: client secret and refresh token', async (t) => {
    const server = await echoServer(t);
    const error = await failure(server, () => refreshTokens(config(server), { refreshToken: REFRESH_TOKEN, scopes: ['read'] }), 'refresh_token=');
    assertCleanError(error);
  });

  test('revoke: the token and the Basic credentials (base64 of id:secret)', async (t) => {
    const server = await echoServer(t);
    const error = await failure(server, () => revokeToken(config(server), REFRESH_TOKEN, 'refresh_token'), BASIC);
    assertCleanError(error);
  });

  test('deauthorize: the Bearer access token', async (t) => {
    const server = await echoServer(t);
    const error = await failure(server, () => deauthorize(config(server), ACCESS_TOKEN), ACCESS_TOKEN);
    assertCleanError(error);
  });

  test('an API call: the Bearer access token, also on a 5xx after retries', async (t) => {
    for (const status of [400, 503]) {
      const server = await startHostileServer({ mode: 'echo', status });
      t.after(() => server.close());
      const client = new StravaClient({ tokens: ACCESS_TOKEN, apiBaseUrl: `${server.url}/api/v3`, retry: { retries: 1, baseDelayMs: 0, maxDelayMs: 0 }, sleep: async () => {} });
      const error = await failure(server, () => client.request('GET', '/athlete'), ACCESS_TOKEN);
      assertCleanError(error);
    }
  });

  test('a base URL with userinfo: the password is never in the network error', async (t) => {
    const server = await echoServer(t);
    const withUserinfo = server.url.replace('http://', 'http://alice:Pa55w0rd-xyz@');
    const error = await refreshTokens({ ...config(server), baseUrl: withUserinfo }, { refreshToken: REFRESH_TOKEN, scopes: ['read'] }).catch((e: unknown) => e);
    assert.ok(error instanceof NetworkError, String(error));
    assertNoSecret(`${error.message} ${JSON.stringify(error)}`, 'network error', [...SECRETS, 'Pa55w0rd-xyz']);
  });
});

/**
 * Protocol section 4: every error row the OAuth side can produce, compared byte for byte with the
 * body Strava sends (compact JSON, keys in Strava's order).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Emulator } from '../src/emulator/index.ts';
import { authorize, credentials, postParams, startTestEmulator } from './helpers/emulator.ts';

const EXTRA_APPS = [
  { clientId: 777, clientSecret: 'inactive-secret', callbackDomain: 'localhost', inactive: true },
  { clientId: 55, clientSecret: 'full-secret', callbackDomain: 'localhost', athleteCapacity: 0 },
];

const rows: Array<{ situation: string; status: number; body: string; request: (emu: Emulator) => Promise<Response | { status: number; text: string }> }> = [
  {
    situation: 'invalid or expired access token',
    status: 401,
    body: '{"message":"Authorization Error","errors":[{"resource":"Athlete","field":"access_token","code":"invalid"}]}',
    request: (emu) => postParams(emu, { access_token: 'expired' }, { path: '/oauth/deauthorize' }),
  },
  {
    situation: 'app-level failure',
    status: 401,
    body: '{"message":"Authorization Error","errors":[{"resource":"Application","field":"","code":"invalid"}]}',
    request: (emu) => postParams(emu, { token: 'x' }, { path: '/oauth/revoke' }),
  },
  {
    situation: 'bad or reused code',
    status: 400,
    body: '{"message":"Bad Request","errors":[{"resource":"AuthorizationCode","field":"code","code":"invalid"}]}',
    request: (emu) => postParams(emu, { ...credentials(emu), grant_type: 'authorization_code', code: 'bad' }),
  },
  {
    situation: 'bad refresh token',
    status: 400,
    body: '{"message":"Bad Request","errors":[{"resource":"RefreshToken","field":"refresh_token","code":"invalid"}]}',
    request: (emu) => postParams(emu, { ...credentials(emu), grant_type: 'refresh_token', refresh_token: 'bad' }),
  },
  {
    situation: 'bad client_id',
    status: 400,
    body: '{"message":"Bad Request","errors":[{"resource":"Application","field":"client_id","code":"invalid"}]}',
    request: (emu) => postParams(emu, { client_id: '1', client_secret: emu.clientSecret, grant_type: 'refresh_token' }),
  },
  {
    situation: 'bad or missing client_secret',
    status: 400,
    body: '{"message":"Bad Request","errors":[{"resource":"Application","field":"client_secret","code":"invalid"}]}',
    request: (emu) => postParams(emu, { client_id: String(emu.clientId), grant_type: 'refresh_token' }),
  },
  {
    situation: 'app inactive',
    status: 403,
    body: '{"message":"Forbidden","errors":[{"resource":"Application","field":"Status","code":"Inactive"}]}',
    request: (emu) => authorize(emu, { client_id: '777' }),
  },
  {
    situation: 'bad scope on the authorize page',
    status: 400,
    body: '{"message":"Bad Request","errors":[{"resource":"Authorize","field":"scope","code":"invalid"}]}',
    request: (emu) => authorize(emu, { scope: 'view_private' }),
  },
  {
    situation: 'bad redirect_uri on the authorize page',
    status: 400,
    body: '{"message":"Bad Request","errors":[{"resource":"Application","field":"redirect_uri","code":"invalid"}]}',
    request: (emu) => authorize(emu, { redirect_uri: 'https://elsewhere.test/cb' }),
  },
  {
    situation: 'not found',
    status: 404,
    body: '{"message":"Record Not Found","errors":[{"resource":"resource","field":"path","code":"invalid"}]}',
    request: (emu) => fetch(`${emu.url}/api/v3/no-such-thing`),
  },
];

for (const row of rows) {
  test(`${row.situation}: ${row.status} ${row.body}`, async (t) => {
    const emu = await startTestEmulator(t, { apps: EXTRA_APPS });
    const response = await row.request(emu);
    const text = response instanceof Response ? await response.text() : response.text;
    assert.equal(response.status, row.status);
    assert.equal(text, row.body);
  });
}

test('athlete capacity reached: 403 HTML page "Limit of connected athletes exceeded"', async (t) => {
  const emu = await startTestEmulator(t, { apps: EXTRA_APPS });
  const response = await authorize(emu, { client_id: '55' });
  assert.equal(response.status, 403);
  assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
  assert.match(await response.text(), /<h1>Limit of connected athletes exceeded<\/h1>/);
});

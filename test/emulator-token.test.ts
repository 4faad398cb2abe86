/**
 * Protocol section 2 (token endpoint): code exchange and refresh, over HTTP, one case per rule.
 * Time moves only through the frozen clock.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  authorize,
  credentials,
  introspect,
  login,
  obtainCode,
  postParams,
  redirectQuery,
  refresh,
  startTestEmulator,
  stravaError,
  type Encoding,
} from './helpers/emulator.ts';

const HOUR = 3600;
const INVALID_CODE = stravaError('Bad Request', 'AuthorizationCode', 'code', 'invalid');
const INVALID_REFRESH = stravaError('Bad Request', 'RefreshToken', 'refresh_token', 'invalid');
const INVALID_SECRET = stravaError('Bad Request', 'Application', 'client_secret', 'invalid');
const INVALID_CLIENT = stravaError('Bad Request', 'Application', 'client_id', 'invalid');

describe('token: code exchange', () => {
  test('answers Strava\'s fields in Strava\'s order, with the summary athlete', async (t) => {
    const emu = await startTestEmulator(t);
    const code = await obtainCode(emu, 'activity:read');
    const now = Math.floor(emu.clock.now() / 1000);
    const response = await postParams(emu, { ...credentials(emu), grant_type: 'authorization_code', code });
    assert.equal(response.status, 200);
    assert.deepEqual(Object.keys(response.body), ['token_type', 'expires_at', 'expires_in', 'refresh_token', 'access_token', 'athlete']);
    assert.equal(response.body.token_type, 'Bearer');
    assert.equal(response.body.expires_in, 21600);
    assert.equal(response.body.expires_at, now + 21600);
    assert.match(response.body.access_token, /^[0-9a-f]{40}$/);
    assert.match(response.body.refresh_token, /^[0-9a-f]{40}$/);
    assert.notEqual(response.body.access_token, response.body.refresh_token);
    const athlete = response.body.athlete;
    assert.equal(athlete.id, 1);
    assert.equal(athlete.resource_state, 2);
    for (const field of ['firstname', 'lastname', 'profile_medium', 'profile', 'city', 'state', 'country', 'sex', 'premium', 'created_at', 'updated_at']) {
      assert.ok(field in athlete, `athlete.${field}`);
    }
    assert.ok(!('email' in athlete), 'email is no longer in the athlete');
  });

  test('carries no rate-limit headers', async (t) => {
    const emu = await startTestEmulator(t);
    const response = await postParams(emu, { ...credentials(emu), grant_type: 'authorization_code', code: await obtainCode(emu) });
    assert.deepEqual([...response.headers.keys()].filter((h) => /ratelimit/i.test(h)), []);
  });

  test('is reachable at /api/v3/oauth/token too', async (t) => {
    const emu = await startTestEmulator(t);
    const code = await obtainCode(emu);
    const response = await postParams(emu, { ...credentials(emu), grant_type: 'authorization_code', code }, { path: '/api/v3/oauth/token' });
    assert.equal(response.status, 200);
    assert.deepEqual(emu.stats().calls['POST /api/v3/oauth/token'], 1);
  });

  const encodings: Encoding[] = ['form', 'json', 'multipart', 'query'];
  for (const encoding of encodings) {
    test(`accepts its parameters as ${encoding}`, async (t) => {
      const emu = await startTestEmulator(t);
      const code = await obtainCode(emu);
      const response = await postParams(emu, { ...credentials(emu), grant_type: 'authorization_code', code }, { encoding });
      assert.equal(response.status, 200, response.text);
    });
  }

  test('does not need redirect_uri, and ignores it when sent', async (t) => {
    const emu = await startTestEmulator(t);
    const code = await obtainCode(emu);
    const response = await postParams(emu, { ...credentials(emu), grant_type: 'authorization_code', code, redirect_uri: 'https://elsewhere.test/' });
    assert.equal(response.status, 200);
  });

  test('a code works once', async (t) => {
    const emu = await startTestEmulator(t);
    const code = await obtainCode(emu);
    const params = { ...credentials(emu), grant_type: 'authorization_code', code };
    assert.equal((await postParams(emu, params)).status, 200);
    const second = await postParams(emu, params);
    assert.equal(second.status, 400);
    assert.deepEqual(second.body, INVALID_CODE);
    assert.equal(emu.stats().rejectedCodes, 1);
  });

  test('a code expires after codeLifetimeSeconds', async (t) => {
    const emu = await startTestEmulator(t, { codeLifetimeSeconds: 600 });
    const fresh = await obtainCode(emu);
    const stale = await obtainCode(emu);
    emu.clock.advance(599);
    assert.equal((await postParams(emu, { ...credentials(emu), grant_type: 'authorization_code', code: fresh })).status, 200);
    emu.clock.advance(1);
    const late = await postParams(emu, { ...credentials(emu), grant_type: 'authorization_code', code: stale });
    assert.equal(late.status, 400);
    assert.deepEqual(late.body, INVALID_CODE);
  });

  test('a code is bound to the app it was issued for', async (t) => {
    const emu = await startTestEmulator(t, { apps: [{ clientId: 222, clientSecret: 'other-secret', callbackDomain: 'localhost' }] });
    const code = await obtainCode(emu, 'read', { client_id: '222' });
    const foreign = await postParams(emu, { ...credentials(emu), grant_type: 'authorization_code', code });
    assert.deepEqual(foreign.body, INVALID_CODE);
    const own = await postParams(emu, { client_id: '222', client_secret: 'other-secret', grant_type: 'authorization_code', code });
    assert.equal(own.status, 200);
  });

  test('an invented code is refused', async (t) => {
    const emu = await startTestEmulator(t);
    const response = await postParams(emu, { ...credentials(emu), grant_type: 'authorization_code', code: 'f'.repeat(40) });
    assert.equal(response.status, 400);
    assert.deepEqual(response.body, INVALID_CODE);
  });

  test('the granted scopes come from the redirect, unticked ones excluded', async (t) => {
    const emu = await startTestEmulator(t, { consent: { policy: 'approve', untick: ['activity:write'] } });
    const code = redirectQuery(await authorize(emu, { scope: 'activity:read_all,activity:write' })).get('code')!;
    const tokens = (await postParams(emu, { ...credentials(emu), grant_type: 'authorization_code', code })).body;
    assert.deepEqual((await introspect(emu, tokens.access_token)).body.scopes, ['read', 'activity:read_all']);
  });
});

describe('token: client credentials', () => {
  const cases: Array<{ name: string; params: (secret: string) => Record<string, string>; basic?: boolean; error: unknown }> = [
    { name: 'unknown client_id', params: (s) => ({ client_id: '999', client_secret: s }), error: INVALID_CLIENT },
    { name: 'non-numeric client_id', params: (s) => ({ client_id: 'twelve', client_secret: s }), error: INVALID_CLIENT },
    { name: 'missing client_id', params: (s) => ({ client_secret: s }), error: INVALID_CLIENT },
    { name: 'wrong client_secret', params: () => ({ client_id: '12345', client_secret: 'nope' }), error: INVALID_SECRET },
    { name: 'missing client_secret', params: () => ({ client_id: '12345' }), error: INVALID_SECRET },
    { name: 'HTTP Basic only (not honoured)', params: () => ({ client_id: '12345' }), basic: true, error: INVALID_SECRET },
  ];
  for (const c of cases) {
    test(`${c.name} is refused with 400`, async (t) => {
      const emu = await startTestEmulator(t);
      const code = await obtainCode(emu);
      const headers: Record<string, string> = c.basic
        ? { authorization: `Basic ${Buffer.from(`${emu.clientId}:${emu.clientSecret}`).toString('base64')}` }
        : {};
      const response = await postParams(emu, { ...c.params(emu.clientSecret), grant_type: 'authorization_code', code }, { headers });
      assert.equal(response.status, 400);
      assert.deepEqual(response.body, c.error);
    });
  }

  test('an inactive app gets 403 Application/Status/Inactive', async (t) => {
    const emu = await startTestEmulator(t, { apps: [{ clientId: 777, clientSecret: 'zzz', callbackDomain: 'localhost', inactive: true }] });
    const response = await postParams(emu, { client_id: '777', client_secret: 'zzz', grant_type: 'refresh_token', refresh_token: 'x' });
    assert.equal(response.status, 403);
    assert.deepEqual(response.body, stravaError('Forbidden', 'Application', 'Status', 'Inactive'));
  });

  test('an unknown grant_type is refused', async (t) => {
    const emu = await startTestEmulator(t);
    const response = await postParams(emu, { ...credentials(emu), grant_type: 'client_credentials' });
    assert.equal(response.status, 400);
    assert.deepEqual(response.body, stravaError('Bad Request', 'Application', 'grant_type', 'invalid'));
  });
});

describe('token: refresh', () => {
  test('answers without athlete and without scope', async (t) => {
    const emu = await startTestEmulator(t);
    const tokens = await login(emu);
    const response = await refresh(emu, tokens.refresh_token);
    assert.equal(response.status, 200);
    assert.deepEqual(Object.keys(response.body).sort(), ['access_token', 'expires_at', 'expires_in', 'refresh_token', 'token_type']);
  });

  test('with more than an hour left: the same access token, the same expires_at, the same refresh token', async (t) => {
    const emu = await startTestEmulator(t);
    const tokens = await login(emu);
    emu.clock.advance(5 * HOUR - 1); // 3601 s left
    const response = await refresh(emu, tokens.refresh_token);
    assert.equal(response.body.access_token, tokens.access_token);
    assert.equal(response.body.expires_at, tokens.expires_at);
    assert.equal(response.body.expires_in, 3601);
    assert.equal(response.body.refresh_token, tokens.refresh_token);
    assert.equal(emu.stats().refreshesWithSameAccessToken, 1);
  });

  test('with an hour or less left: a new access token for six hours, and a new refresh token', async (t) => {
    const emu = await startTestEmulator(t);
    const tokens = await login(emu);
    emu.clock.advance(5 * HOUR); // exactly 3600 s left: not "more than one hour"
    const response = await refresh(emu, tokens.refresh_token);
    assert.notEqual(response.body.access_token, tokens.access_token);
    assert.equal(response.body.expires_in, 21600);
    assert.equal(response.body.expires_at, tokens.expires_at - 3600 + 21600);
    assert.notEqual(response.body.refresh_token, tokens.refresh_token);
  });

  test('the old access token stays valid until it expires', async (t) => {
    const emu = await startTestEmulator(t);
    const tokens = await login(emu);
    emu.clock.advance(5.5 * HOUR);
    const renewed = (await refresh(emu, tokens.refresh_token)).body;
    assert.equal((await introspect(emu, tokens.access_token)).status, 200, 'old still valid');
    assert.equal((await introspect(emu, renewed.access_token)).status, 200, 'new valid');
    emu.clock.advance(0.5 * HOUR);
    assert.deepEqual(await introspect(emu, tokens.access_token), {
      status: 401,
      body: stravaError('Authorization Error', 'Athlete', 'access_token', 'invalid'),
    });
    assert.equal((await introspect(emu, renewed.access_token)).status, 200);
  });

  test('an access token is dead at expires_at (and alive one second before)', async (t) => {
    const emu = await startTestEmulator(t);
    const tokens = await login(emu);
    emu.clock.advance(6 * HOUR - 1);
    assert.equal((await introspect(emu, tokens.access_token)).status, 200);
    emu.clock.advance(1);
    assert.equal((await introspect(emu, tokens.access_token)).status, 401);
  });

  test('once a new refresh token is returned, the old one is invalid at once', async (t) => {
    const emu = await startTestEmulator(t);
    const tokens = await login(emu);
    emu.clock.advance(6 * HOUR);
    const rotated = await refresh(emu, tokens.refresh_token);
    const stale = await refresh(emu, tokens.refresh_token);
    assert.equal(stale.status, 400);
    assert.deepEqual(stale.body, INVALID_REFRESH);
    assert.equal((await refresh(emu, rotated.body.refresh_token)).status, 200);
    assert.equal(emu.stats().rejectedRefreshTokens, 1);
  });

  test('two refreshes racing for one refresh token: one wins, the loser holds a dead token', async (t) => {
    const emu = await startTestEmulator(t);
    const tokens = await login(emu);
    emu.clock.advance(6 * HOUR);
    const results = await Promise.all([refresh(emu, tokens.refresh_token), refresh(emu, tokens.refresh_token)]);
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 400]);
    assert.equal(emu.stats().rejectedRefreshTokens, 1);
  });

  const rotation: Array<{ policy: 'always' | 'never' | 'when-access-renewed'; advance: number; rotates: boolean }> = [
    { policy: 'when-access-renewed', advance: 1 * HOUR, rotates: false },
    { policy: 'when-access-renewed', advance: 6 * HOUR, rotates: true },
    { policy: 'always', advance: 1 * HOUR, rotates: true },
    { policy: 'always', advance: 6 * HOUR, rotates: true },
    { policy: 'never', advance: 1 * HOUR, rotates: false },
    { policy: 'never', advance: 6 * HOUR, rotates: false },
  ];
  for (const c of rotation) {
    test(`rotateRefreshTokens=${c.policy}, ${c.advance / HOUR} h after login: ${c.rotates ? 'new' : 'same'} refresh token`, async (t) => {
      const emu = await startTestEmulator(t);
      emu.rotateRefreshTokens = c.policy;
      const tokens = await login(emu);
      emu.clock.advance(c.advance);
      const response = await refresh(emu, tokens.refresh_token);
      assert.equal(response.body.refresh_token !== tokens.refresh_token, c.rotates);
      assert.equal((await refresh(emu, tokens.refresh_token)).status, c.rotates ? 400 : 200);
    });
  }

  test('an unknown refresh token is refused and counted', async (t) => {
    const emu = await startTestEmulator(t);
    const response = await refresh(emu, 'a'.repeat(40));
    assert.equal(response.status, 400);
    assert.deepEqual(response.body, INVALID_REFRESH);
    assert.equal(emu.stats().rejectedRefreshTokens, 1);
  });

  test('a refresh token only works for its own app', async (t) => {
    const emu = await startTestEmulator(t, { apps: [{ clientId: 222, clientSecret: 'other-secret', callbackDomain: 'localhost' }] });
    const tokens = emu.issueTokens({ scopes: ['read'], clientId: 222 });
    assert.deepEqual((await refresh(emu, tokens.refresh_token)).body, INVALID_REFRESH);
  });

  test('successful grants are counted per type', async (t) => {
    const emu = await startTestEmulator(t);
    const tokens = await login(emu);
    await refresh(emu, tokens.refresh_token);
    await refresh(emu, tokens.refresh_token);
    assert.deepEqual(emu.stats().grants, { authorization_code: 1, refresh_token: 2 });
    assert.equal(emu.stats().calls['POST /oauth/token'], 3);
  });
});

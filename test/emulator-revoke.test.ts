/**
 * Protocol section 3 (ending access): `POST /oauth/revoke` and `POST /oauth/deauthorize`.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Emulator } from '../src/emulator/index.ts';
import {
  authorize,
  introspect,
  login,
  postParams,
  refresh,
  startTestEmulator,
  stravaError,
  type Encoding,
} from './helpers/emulator.ts';

const INVALID_TOKEN = stravaError('Authorization Error', 'Athlete', 'access_token', 'invalid');
const APPLICATION_INVALID = stravaError('Authorization Error', 'Application', '', 'invalid');

function basic(id: number | string, secret: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` };
}

function revoke(emu: Emulator, params: Record<string, string>, headers = basic(emu.clientId, emu.clientSecret)) {
  return postParams(emu, params, { path: '/oauth/revoke', headers });
}

describe('revoke', () => {
  for (const kind of ['access', 'refresh'] as const) {
    test(`revoking the ${kind} token kills both tokens of the grant`, async (t) => {
      const emu = await startTestEmulator(t);
      const tokens = await login(emu);
      const response = await revoke(emu, { token: kind === 'access' ? tokens.access_token : tokens.refresh_token });
      assert.equal(response.status, 200);
      assert.deepEqual(response.body, {});
      assert.equal((await introspect(emu, tokens.access_token)).status, 401);
      assert.equal((await refresh(emu, tokens.refresh_token)).status, 400);
    });
  }

  test('token_type_hint is accepted and changes nothing', async (t) => {
    const emu = await startTestEmulator(t);
    const tokens = await login(emu);
    assert.equal((await revoke(emu, { token: tokens.refresh_token, token_type_hint: 'access_token' })).status, 200);
    assert.equal((await introspect(emu, tokens.access_token)).status, 401);
  });

  test('older access tokens of the grant, still valid after a refresh, die too', async (t) => {
    const emu = await startTestEmulator(t);
    const tokens = await login(emu);
    emu.clock.advance(5.5 * 3600);
    const renewed = (await refresh(emu, tokens.refresh_token)).body;
    await revoke(emu, { token: renewed.access_token });
    assert.equal((await introspect(emu, tokens.access_token)).status, 401);
  });

  test('only that grant: another login of the same athlete keeps working', async (t) => {
    const emu = await startTestEmulator(t);
    const first = await login(emu);
    const second = await login(emu);
    await revoke(emu, { token: first.access_token });
    assert.equal((await introspect(emu, second.access_token)).status, 200);
  });

  test('an unknown token answers 200', async (t) => {
    const emu = await startTestEmulator(t);
    const response = await revoke(emu, { token: '0'.repeat(40) });
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, {});
  });

  test('an expired access token answers 200 and still revokes its grant', async (t) => {
    const emu = await startTestEmulator(t);
    const tokens = await login(emu);
    emu.clock.advance(7 * 3600);
    assert.equal((await revoke(emu, { token: tokens.access_token })).status, 200);
    assert.equal((await refresh(emu, tokens.refresh_token)).status, 400);
  });

  test('another app\'s token answers 200 and stays valid', async (t) => {
    const emu = await startTestEmulator(t, { apps: [{ clientId: 222, clientSecret: 'other-secret', callbackDomain: 'localhost' }] });
    const theirs = emu.issueTokens({ scopes: ['read'], clientId: 222 });
    assert.equal((await revoke(emu, { token: theirs.access_token })).status, 200);
    assert.equal((await introspect(emu, theirs.access_token)).status, 200);
  });

  const badClients: Array<{ name: string; headers: (emu: Emulator) => Record<string, string> }> = [
    { name: 'no Basic credentials', headers: () => ({}) },
    { name: 'a wrong secret', headers: (emu) => basic(emu.clientId, 'wrong') },
    { name: 'an unknown client id', headers: (emu) => basic(999, emu.clientSecret) },
    { name: 'a Bearer token instead of Basic', headers: () => ({ authorization: 'Bearer abc' }) },
  ];
  for (const c of badClients) {
    test(`${c.name}: 401 app-level failure, nothing revoked`, async (t) => {
      const emu = await startTestEmulator(t);
      const tokens = await login(emu);
      const response = await revoke(emu, { token: tokens.access_token }, c.headers(emu));
      assert.equal(response.status, 401);
      assert.deepEqual(response.body, APPLICATION_INVALID);
      assert.equal((await introspect(emu, tokens.access_token)).status, 200);
    });
  }

  test('credentials in the body instead of Basic are not enough', async (t) => {
    const emu = await startTestEmulator(t);
    const response = await revoke(emu, { client_id: String(emu.clientId), client_secret: emu.clientSecret, token: 'x' }, {});
    assert.equal(response.status, 401);
  });

  test('a missing token parameter is a 400', async (t) => {
    const emu = await startTestEmulator(t);
    const response = await revoke(emu, {});
    assert.equal(response.status, 400);
    assert.deepEqual(response.body, stravaError('Bad Request', 'Token', 'token', 'missing'));
  });

  test('the athlete\'s approval stays: approval_prompt=auto still skips the page', async (t) => {
    const emu = await startTestEmulator(t);
    const tokens = await login(emu, 'activity:read');
    await revoke(emu, { token: tokens.access_token });
    emu.setConsent(null);
    assert.equal((await authorize(emu, { scope: 'activity:read' })).status, 302);
  });
});

describe('deauthorize', () => {
  const ways: Array<{ name: string; send: (emu: Emulator, token: string) => ReturnType<typeof postParams> }> = [
    { name: 'Authorization: Bearer', send: (emu, token) => postParams(emu, {}, { path: '/oauth/deauthorize', headers: { authorization: `Bearer ${token}` } }) },
    ...(['form', 'query', 'json', 'multipart'] as Encoding[]).map((encoding) => ({
      name: `access_token as ${encoding} parameter`,
      send: (emu: Emulator, token: string) => postParams(emu, { access_token: token }, { path: '/oauth/deauthorize', encoding }),
    })),
  ];
  for (const way of ways) {
    test(`by ${way.name}: 200 with the token, and every token of the app for the athlete dies`, async (t) => {
      const emu = await startTestEmulator(t);
      const first = await login(emu);
      const second = await login(emu);
      const response = await way.send(emu, first.access_token);
      assert.equal(response.status, 200);
      assert.equal(response.text, JSON.stringify({ access_token: first.access_token }));
      for (const token of [first.access_token, second.access_token]) assert.equal((await introspect(emu, token)).status, 401);
      for (const token of [first.refresh_token, second.refresh_token]) assert.equal((await refresh(emu, token)).status, 400);
    });
  }

  test('an invalid token: 401 Athlete/access_token/invalid', async (t) => {
    const emu = await startTestEmulator(t);
    const response = await postParams(emu, { access_token: 'nope' }, { path: '/oauth/deauthorize' });
    assert.equal(response.status, 401);
    assert.deepEqual(response.body, INVALID_TOKEN);
  });

  test('no token at all: 401 Athlete/access_token/invalid', async (t) => {
    const emu = await startTestEmulator(t);
    const response = await postParams(emu, {}, { path: '/oauth/deauthorize' });
    assert.deepEqual([response.status, response.body], [401, INVALID_TOKEN]);
  });

  test('an expired token cannot deauthorize', async (t) => {
    const emu = await startTestEmulator(t);
    const tokens = await login(emu);
    emu.clock.advance(6 * 3600);
    const response = await postParams(emu, { access_token: tokens.access_token }, { path: '/oauth/deauthorize' });
    assert.equal(response.status, 401);
  });

  test('the app leaves the athlete\'s settings: the next authorize shows the consent page again', async (t) => {
    const emu = await startTestEmulator(t);
    const tokens = await login(emu, 'activity:read');
    emu.setConsent(null);
    assert.equal((await authorize(emu, { scope: 'activity:read' })).status, 302, 'skipped while authorized');
    await postParams(emu, { access_token: tokens.access_token }, { path: '/oauth/deauthorize' });
    assert.equal((await authorize(emu, { scope: 'activity:read' })).status, 200);
  });

  test('other athletes and other apps are untouched', async (t) => {
    const emu = await startTestEmulator(t, { apps: [{ clientId: 222, clientSecret: 'other-secret', callbackDomain: 'localhost' }] });
    const mine = emu.issueTokens({ scopes: ['read'], athleteId: 1 });
    const otherAthlete = emu.issueTokens({ scopes: ['read'], athleteId: 2 });
    const otherApp = emu.issueTokens({ scopes: ['read'], athleteId: 1, clientId: 222 });
    await postParams(emu, { access_token: mine.access_token }, { path: '/oauth/deauthorize' });
    assert.equal((await introspect(emu, otherAthlete.access_token)).status, 200);
    assert.equal((await introspect(emu, otherApp.access_token)).status, 200);
  });

  test('it frees a place within the app\'s athlete capacity', async (t) => {
    const emu = await startTestEmulator(t, {
      apps: [{ clientId: 55, clientSecret: 'small-secret', callbackDomain: 'localhost', athleteCapacity: 1 }],
    });
    emu.setConsent({ policy: 'approve', athleteId: 1 });
    const code = new URL((await authorize(emu, { client_id: '55' })).headers.get('location')!).searchParams.get('code')!;
    const tokens = (await postParams(emu, { client_id: '55', client_secret: 'small-secret', grant_type: 'authorization_code', code })).body;
    emu.setConsent({ policy: 'approve', athleteId: 2 });
    assert.equal((await authorize(emu, { client_id: '55' })).status, 403);
    await postParams(emu, {}, { path: '/oauth/deauthorize', headers: { authorization: `Bearer ${tokens.access_token}` } });
    assert.equal((await authorize(emu, { client_id: '55' })).status, 302);
  });
});

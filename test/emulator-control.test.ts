/**
 * The emulator's own surface: the `Emulator` object, the `/_emulator` control routes another
 * process uses, stats, routing defaults and the request log.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  authorize,
  credentials,
  introspect,
  login,
  postParams,
  redirectQuery,
  refresh,
  startTestEmulator,
} from './helpers/emulator.ts';

async function control(url: string, method: 'GET' | 'POST' = 'GET', body?: unknown) {
  const response = await fetch(url, { method, ...(body !== undefined && { body: JSON.stringify(body) }) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

describe('the Emulator object', () => {
  test('defaults: 127.0.0.1, client 12345 and its fixed secret', async (t) => {
    const emu = await startTestEmulator(t);
    assert.match(emu.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(emu.url, `http://127.0.0.1:${emu.port}`);
    assert.equal(emu.clientId, 12345);
    assert.equal(emu.clientSecret, 'emulator-secret-0123456789abcdef');
    assert.equal(emu.rotateRefreshTokens, 'when-access-renewed');
  });

  test('issueTokens mints a code-exchange-shaped response whose token works', async (t) => {
    const emu = await startTestEmulator(t);
    const tokens = emu.issueTokens({ scopes: ['activity:read_all'], athleteId: 7 });
    assert.deepEqual(Object.keys(tokens), ['token_type', 'expires_at', 'expires_in', 'refresh_token', 'access_token', 'athlete']);
    assert.equal(tokens.athlete.id, 7);
    assert.deepEqual((await introspect(emu, tokens.access_token)).body, {
      athleteId: 7,
      clientId: 12345,
      scopes: ['read', 'activity:read_all'],
      expiresAt: tokens.expires_at,
    });
    assert.equal((await refresh(emu, tokens.refresh_token)).status, 200);
  });

  test('issueTokens refuses unknown scopes and apps', async (t) => {
    const emu = await startTestEmulator(t);
    assert.throws(() => emu.issueTokens({ scopes: ['write'] }), /Unknown Strava scope\(s\): write/);
    assert.throws(() => emu.issueTokens({ scopes: [], clientId: 1 }), /No emulator app has client id 1/);
  });

  test('addAthlete gives the next id and a realistic name; fields can be set', async (t) => {
    const emu = await startTestEmulator(t);
    const second = emu.addAthlete();
    assert.equal(second.id, 2);
    assert.equal(second.resource_state, 2);
    assert.ok(second.firstname.length > 0 && second.lastname.length > 0);
    const custom = emu.addAthlete({ id: 40, firstname: 'Ada', premium: true });
    assert.deepEqual([custom.id, custom.firstname, custom.premium], [40, 'Ada', true]);
  });

  test('a consent policy with athleteId signs that athlete in', async (t) => {
    const emu = await startTestEmulator(t);
    emu.addAthlete({ id: 3, firstname: 'Third' });
    emu.setConsent({ policy: 'approve', athleteId: 3 });
    const code = redirectQuery(await authorize(emu)).get('code')!;
    const exchange = await postParams(emu, { ...credentials(emu), grant_type: 'authorization_code', code });
    assert.equal(exchange.body.athlete.firstname, 'Third');
  });

  test('invalid settings are refused with a reason', async (t) => {
    const emu = await startTestEmulator(t);
    assert.throws(() => emu.setConsent({ policy: 'maybe' as 'approve' }), /approve" or "deny/);
    assert.throws(() => emu.setConsent({ policy: 'approve', untick: ['view_private'] }), /valid Strava scopes/);
    assert.throws(() => {
      emu.rotateRefreshTokens = 'sometimes' as 'always';
    }, /always, never, when-access-renewed/);
  });

  test('close can be called twice', async (t) => {
    const emu = await startTestEmulator(t);
    await emu.close();
    await emu.close();
  });
});

describe('control routes', () => {
  test('GET /_emulator describes the emulator', async (t) => {
    const emu = await startTestEmulator(t);
    const { body } = await control(`${emu.url}/_emulator`);
    assert.deepEqual(body, {
      url: emu.url,
      oauthUrl: `${emu.url}/oauth`,
      apiUrl: `${emu.url}/api/v3`,
      clientId: 12345,
      clientSecret: 'emulator-secret-0123456789abcdef',
      callbackDomain: 'localhost',
      consent: null,
      rotateRefreshTokens: 'when-access-renewed',
      now: Math.floor(emu.clock.now() / 1000),
      nowMs: emu.clock.now(),
    });
  });

  test('POST /_emulator/clock advances the shared clock', async (t) => {
    const emu = await startTestEmulator(t);
    const before = emu.clock.now();
    const { status, body } = await control(`${emu.url}/_emulator/clock`, 'POST', { advance: 3600 });
    assert.equal(status, 200);
    assert.equal(emu.clock.now(), before + 3_600_000);
    assert.equal(body.nowMs, before + 3_600_000);
    assert.equal((await control(`${emu.url}/_emulator/clock`, 'POST', { advance: 'soon' })).status, 400);
  });

  test('POST /_emulator/consent sets and clears the policy', async (t) => {
    const emu = await startTestEmulator(t);
    assert.deepEqual((await control(`${emu.url}/_emulator/consent`, 'POST', { policy: 'deny' })).body, { consent: { policy: 'deny' } });
    assert.equal(redirectQuery(await authorize(emu)).get('error'), 'access_denied');
    await control(`${emu.url}/_emulator/consent`, 'POST', null);
    assert.equal((await authorize(emu)).status, 200);
  });

  test('POST /_emulator/consent refuses a bad policy in Strava\'s error shape', async (t) => {
    const emu = await startTestEmulator(t);
    const { status, body } = await control(`${emu.url}/_emulator/consent`, 'POST', { policy: 'approve', untick: ['public'] });
    assert.equal(status, 400);
    assert.deepEqual(body, {
      message: 'consent.untick must be a list of valid Strava scopes.',
      errors: [{ resource: 'Emulator', field: 'consent', code: 'invalid' }],
    });
  });

  test('POST /_emulator/tokens mints tokens like issueTokens', async (t) => {
    const emu = await startTestEmulator(t);
    const { status, body } = await control(`${emu.url}/_emulator/tokens`, 'POST', { scopes: ['activity:write'], athleteId: 9 });
    assert.equal(status, 200);
    assert.equal(body.athlete.id, 9);
    assert.deepEqual((await introspect(emu, body.access_token)).body.scopes, ['read', 'activity:write']);
    assert.equal((await control(`${emu.url}/_emulator/tokens`, 'POST', { scopes: ['public'] })).status, 400);
  });

  test('GET /_emulator/stats and POST /_emulator/stats/reset', async (t) => {
    const emu = await startTestEmulator(t);
    await login(emu);
    const { body } = await control(`${emu.url}/_emulator/stats`);
    assert.deepEqual(body, emu.stats());
    assert.equal((await fetch(`${emu.url}/_emulator/stats/reset`, { method: 'POST' })).status, 204);
    assert.deepEqual(emu.stats().calls, {});
  });
});

describe('stats', () => {
  test('count requests per method and path template, grants per type, and outcomes; control traffic is not counted', async (t) => {
    const emu = await startTestEmulator(t);
    const tokens = await login(emu, 'activity:read');
    emu.clock.advance(6 * 3600);
    await refresh(emu, tokens.refresh_token);
    await refresh(emu, tokens.refresh_token); // rotated away: rejected
    await postParams(emu, { ...credentials(emu), grant_type: 'authorization_code', code: 'nope' });
    await fetch(`${emu.url}/_emulator`);
    await fetch(`${emu.url}/nowhere`);
    assert.deepEqual(emu.stats(), {
      calls: { 'GET /oauth/authorize': 1, 'POST /oauth/token': 4 },
      grants: { authorization_code: 1, refresh_token: 1 },
      rejectedRefreshTokens: 1,
      rejectedCodes: 1,
      refreshesWithSameAccessToken: 0,
      consentPagesShown: 0,
      notFound: 1,
    });
    emu.resetStats();
    assert.equal(emu.stats().notFound, 0);
  });

  test('a snapshot does not change afterwards', async (t) => {
    const emu = await startTestEmulator(t);
    const before = emu.stats();
    await login(emu);
    assert.deepEqual(before.calls, {});
  });
});

describe('routing', () => {
  test('unknown paths are 404 in Strava\'s shape', async (t) => {
    const emu = await startTestEmulator(t);
    const response = await fetch(`${emu.url}/api/v3/no-such-endpoint`);
    assert.equal(response.status, 404);
    assert.equal((await response.json()).message, 'Record Not Found');
  });

  test('a known path with the wrong method is 405 with Allow', async (t) => {
    const emu = await startTestEmulator(t);
    const response = await fetch(`${emu.url}/oauth/token`);
    assert.equal(response.status, 405);
    assert.equal(response.headers.get('allow'), 'POST');
  });

  test('a body over 1 MiB is refused with 413', async (t) => {
    const emu = await startTestEmulator(t);
    const response = await fetch(`${emu.url}/oauth/token`, { method: 'POST', body: 'x'.repeat(1024 * 1024 + 1) });
    assert.equal(response.status, 413);
  });
});

test('the request log names method, path and status, and never a secret, code or token', async (t) => {
  const lines: string[] = [];
  const emu = await startTestEmulator(t, { log: (line) => lines.push(line) });
  const tokens = await login(emu, 'activity:read');
  await refresh(emu, tokens.refresh_token);
  const all = lines.join('\n');
  assert.match(all, /^GET \/oauth\/authorize 302 \d+ms$/m);
  assert.match(all, /^POST \/oauth\/token 200 \d+ms$/m);
  for (const secret of [emu.clientSecret, tokens.access_token, tokens.refresh_token, 'code=']) {
    assert.ok(!all.includes(secret), `log must not contain ${secret.slice(0, 6)}…`);
  }
});

/**
 * The token API of `strava-auth serve` over real HTTP: a service on real SQLite, the emulator as
 * Strava, athletes connected through /connect and /callback as a browser would.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { revokeToken } from '../src/core/token-endpoint.ts';
import { generateApiKey } from '../src/server/api-keys.ts';
import { SqliteStore } from '../src/sqlite/sqlite-store.ts';
import { introspect, startTestEmulator } from './helpers/emulator.ts';
import { connectAthlete, startTestService, TEST_API_KEY, type TestService } from './helpers/serve.ts';

const HOUR = 3600;

async function json(response: Response): Promise<any> {
  return JSON.parse(await response.text());
}

async function connected(t: import('node:test').TestContext, athleteIds: number[] = [501]) {
  const emu = await startTestEmulator(t);
  const svc = await startTestService(t, emu);
  for (const athleteId of athleteIds) {
    const { response } = await connectAthlete(svc.url, emu, { athleteId });
    assert.equal(response.status, 200, await response.clone().text());
  }
  emu.resetStats();
  return { emu, svc };
}

async function metric(svc: TestService, name: string): Promise<number> {
  const text = await (await fetch(`${svc.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('GET /v1/athletes/{id}/token', () => {
  test('a fresh token is handed out as stored, without asking Strava', async (t) => {
    const { emu, svc } = await connected(t);
    const response = await svc.api('/v1/athletes/501/token');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const body = await json(response);
    assert.deepEqual(Object.keys(body), ['access_token', 'expires_at', 'scopes', 'athlete_id']);
    assert.equal(body.athlete_id, 501);
    assert.deepEqual(body.scopes, ['read', 'activity:read_all']);
    assert.equal((await introspect(emu, body.access_token)).body.athleteId, 501);
    assert.equal(emu.stats().grants.refresh_token, 0);
  });

  test('expired: 40 concurrent requests share one refresh and all get the new token', async (t) => {
    const { emu, svc } = await connected(t);
    const before = (await json(await svc.api('/v1/athletes/501/token'))).access_token;
    emu.clock.advance(7 * HOUR);
    const answers = await Promise.all(Array.from({ length: 40 }, () => svc.api('/v1/athletes/501/token').then(json)));
    const tokens = new Set(answers.map((a) => a.access_token));
    assert.equal(tokens.size, 1);
    assert.notEqual([...tokens][0], before);
    assert.equal(emu.stats().grants.refresh_token, 1);
    assert.equal(await metric(svc, 'strava_auth_refreshes_total'), 1);
    assert.equal((await introspect(emu, [...tokens][0])).status, 200);
  });

  test('two replicas on one database: 2 x 20 concurrent requests for an expired token, one refresh', async (t) => {
    const { emu, svc } = await connected(t);
    const replica = await startTestService(t, emu, { dbPath: svc.dbPath });
    emu.clock.advance(7 * HOUR);
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? svc : replica).api('/v1/athletes/501/token').then(json)),
    );
    assert.equal(new Set(answers.map((a) => a.access_token)).size, 1);
    assert.equal(emu.stats().grants.refresh_token, 1);
    assert.equal(emu.stats().rejectedRefreshTokens, 0);
  });

  test('min_valid: refreshed only when the token has less left than asked; above 3599 is a 400', async (t) => {
    const { emu, svc } = await connected(t);
    const first = await json(await svc.api('/v1/athletes/501/token'));
    emu.clock.advance(first.expires_at - Math.floor(emu.clock.now() / 1000) - 1800); // 30 min left
    const same = await json(await svc.api('/v1/athletes/501/token?min_valid=1700'));
    assert.equal(same.access_token, first.access_token);
    assert.equal(emu.stats().grants.refresh_token, 0);
    const longer = await json(await svc.api('/v1/athletes/501/token?min_valid=3000'));
    assert.notEqual(longer.access_token, first.access_token);
    assert.ok(longer.expires_at - Math.floor(emu.clock.now() / 1000) >= 3000);
    assert.equal(emu.stats().grants.refresh_token, 1);
    for (const bad of ['3600', '-1', 'abc', '1e3']) {
      const response = await svc.api(`/v1/athletes/501/token?min_valid=${bad}`);
      assert.equal(response.status, 400, bad);
      assert.equal((await json(response)).error.code, 'invalid_request');
    }
  });

  test('an unknown athlete is 404 athlete_not_found', async (t) => {
    const { svc } = await connected(t);
    const response = await svc.api('/v1/athletes/999/token');
    assert.equal(response.status, 404);
    assert.deepEqual(await json(response), {
      error: {
        code: 'athlete_not_found',
        message: 'No athlete 999 is connected to this service.',
        remedy: 'Send the athlete to /connect to connect their Strava account.',
      },
    });
  });

  test('a refresh token revoked at Strava: 410 refresh_token_invalid, then 410 without asking Strava again', async (t) => {
    const { emu, svc } = await connected(t);
    const record = await svc.store.get('501');
    await revokeToken({ clientId: emu.clientId, clientSecret: emu.clientSecret, baseUrl: emu.url }, record!.tokens.refreshToken, 'refresh_token');
    emu.clock.advance(7 * HOUR);
    for (let i = 0; i < 2; i++) {
      const response = await svc.api('/v1/athletes/501/token');
      assert.equal(response.status, 410);
      assert.equal((await json(response)).error.code, 'refresh_token_invalid');
    }
    assert.equal(emu.stats().rejectedRefreshTokens, 1);
    assert.equal((await json(await svc.api('/v1/athletes/501'))).status, 'refresh_token_invalid');
  });

  test('an athlete who deauthorized (the webhook dependency): 410 athlete_revoked, tokens gone', async (t) => {
    const { svc } = await connected(t);
    await svc.service.athletes.revoked(501, 'The athlete revoked access in Strava (deauthorization webhook).');
    const response = await svc.api('/v1/athletes/501/token');
    assert.equal(response.status, 410);
    assert.equal((await json(response)).error.code, 'athlete_revoked');
    assert.equal(await svc.store.get('501'), undefined);
    const view = await json(await svc.api('/v1/athletes/501'));
    assert.equal(view.status, 'revoked');
  });

  test('401 without a key, with a wrong key, with another scheme; nothing else is revealed', async (t) => {
    const { svc } = await connected(t);
    const cases: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer wrong-key' },
      { authorization: `Basic ${btoa(`x:${TEST_API_KEY}`)}` },
      { authorization: `Bearer ${TEST_API_KEY}x` },
      { authorization: 'Bearer' },
    ];
    for (const headers of cases) {
      for (const path of ['/v1/athletes/501/token', '/v1/athletes/999/token', '/v1/athletes', '/v1/athletes/abc']) {
        const response = await fetch(`${svc.url}${path}`, { headers });
        assert.equal(response.status, 401, `${path} ${JSON.stringify(headers)}`);
        assert.equal(response.headers.get('www-authenticate'), 'Bearer');
        assert.equal((await json(response)).error.code, 'unauthorized');
      }
    }
  });

  test('a stored key works on every replica; revoked in the store, it is refused everywhere within the cache time (at once with cacheMs 0)', async (t) => {
    const { emu, svc } = await connected(t);
    const other = await startTestService(t, emu, { dbPath: svc.dbPath });
    const strict = await startTestService(t, emu, { dbPath: svc.dbPath, overrides: { cacheMs: 0 } });
    const { key, record } = await generateApiKey('backend', 0);
    await svc.serviceStore.addApiKey(record);
    const withKey = (url: string) => fetch(`${url}/v1/athletes/501/token`, { headers: { authorization: `Bearer ${key}` } });
    for (const { url } of [svc, other, strict]) assert.equal((await withKey(url)).status, 200);
    assert.equal(await svc.serviceStore.revokeApiKey(record.id), true);
    assert.equal((await withKey(strict.url)).status, 401, 'cacheMs 0: the store is asked every time');
    // The others found the key live just now: they take it on trust for up to a second.
    assert.equal((await withKey(other.url)).status, 200);
    emu.clock.advance(1);
    assert.equal((await withKey(other.url)).status, 401);
    assert.equal((await withKey(svc.url)).status, 401);
    // The environment's key is untouched by the revocation.
    assert.equal((await other.api('/v1/athletes/501/token')).status, 200);
  });

  test('a store outage is 503 with Retry-After; /readyz says so; nothing stored is lost', async (t) => {
    const { svc } = await connected(t);
    svc.store.close();
    const response = await svc.api('/v1/athletes/501/token');
    assert.equal(response.status, 503);
    assert.equal(response.headers.get('retry-after'), '5');
    assert.equal((await json(response)).error.code, 'store_unavailable');
    assert.equal((await fetch(`${svc.url}/readyz`)).status, 503);
    assert.equal((await fetch(`${svc.url}/healthz`)).status, 200);
    // The service store down too: the key check cannot run, and that is 503, not 401.
    await svc.serviceStore.close();
    const keyCheck = await svc.api('/v1/athletes');
    assert.equal(keyCheck.status, 503);
    assert.equal(keyCheck.headers.get('retry-after'), '5');
    const reopened = new SqliteStore({ path: svc.dbPath });
    t.after(() => reopened.close());
    assert.equal((await reopened.get('501'))?.tokens.athlete?.id, 501);
  });
});

describe('GET/DELETE /v1/athletes', () => {
  test('pagination in id order with next_after; one athlete; unknown is 404', async (t) => {
    const { svc } = await connected(t, [30, 10, 20]);
    const first = await json(await svc.api('/v1/athletes?limit=2'));
    assert.deepEqual(first.athletes.map((a: any) => a.athlete_id), [10, 20]);
    assert.equal(first.next_after, 20);
    assert.equal(first.athletes[0].status, 'connected');
    assert.ok(first.athletes.every((a: any) => !JSON.stringify(a).includes('token')));
    const second = await json(await svc.api(`/v1/athletes?limit=2&after=${first.next_after}`));
    assert.deepEqual(second.athletes.map((a: any) => a.athlete_id), [30]);
    assert.equal(second.next_after, null);
    assert.equal((await json(await svc.api('/v1/athletes/20'))).athlete_id, 20);
    assert.equal((await svc.api('/v1/athletes/21')).status, 404);
    assert.equal((await svc.api('/v1/athletes?limit=500')).status, 400);
  });

  test('DELETE revokes at Strava, then forgets: 204, the old token is dead, then 404', async (t) => {
    const { emu, svc } = await connected(t);
    const token = (await json(await svc.api('/v1/athletes/501/token'))).access_token;
    const response = await svc.api('/v1/athletes/501', { method: 'DELETE' });
    assert.equal(response.status, 204);
    assert.equal((await introspect(emu, token)).status, 401);
    assert.equal((await svc.api('/v1/athletes/501/token')).status, 404);
    assert.equal((await svc.api('/v1/athletes/501', { method: 'DELETE' })).status, 404);
  });

  test('no access or refresh token ever appears in a log line', async (t) => {
    const { emu, svc } = await connected(t, [501, 502]);
    const seen = new Set<string>();
    for (const id of [501, 502]) seen.add((await json(await svc.api(`/v1/athletes/${id}/token`))).access_token);
    emu.clock.advance(7 * HOUR);
    for (const id of [501, 502]) seen.add((await json(await svc.api(`/v1/athletes/${id}/token`))).access_token);
    for (const id of [501, 502]) seen.add((await svc.store.get(String(id)))!.tokens.refreshToken);
    await svc.api('/v1/athletes/502', { method: 'DELETE' });
    const log = svc.logs.join('');
    assert.ok(svc.logs.length > 8);
    for (const secret of [...seen, TEST_API_KEY, emu.clientSecret]) assert.ok(!log.includes(secret));
    for (const line of svc.logs) assert.doesNotThrow(() => JSON.parse(line));
  });
});

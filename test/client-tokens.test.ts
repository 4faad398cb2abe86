/**
 * The client and its tokens: it never sends an expired token, on a 401 for an invalid token it
 * gets a new one once and retries once, and the token only ever travels in the Authorization
 * header to the configured API base (protocol section 8).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StravaClient } from '../src/client/strava-client.ts';
import { TokenExpiredError } from '../src/client/errors/token-expired-error.ts';
import { type ProvidedTokens, type TokenProvider } from '../src/client/token-provider.ts';
import { InvalidAccessTokenError } from '../src/core/errors/invalid-access-token-error.ts';
import { InvalidRefreshTokenError } from '../src/core/errors/invalid-refresh-token-error.ts';
import { STRAVA_API_BASE_URL, STRAVA_API_BASE_URL_2027 } from '../src/core/endpoints.ts';
import type { FetchLike } from '../src/core/http.ts';
import type { Emulator } from '../src/emulator/index.ts';
import { MemoryStore } from '../src/tokens/memory-store.ts';
import { TokenManager } from '../src/tokens/token-manager.ts';
import { clientFixture } from './helpers/api.ts';
import { startTestEmulator } from './helpers/emulator.ts';

/**
 * A manager whose stored expiry is a day later than the real one: the clock-skew case where the
 * manager believes a token Strava already refuses.
 */
async function skewedManager(emu: Emulator, scopes: string[] = []): Promise<TokenManager> {
  const issued = emu.issueTokens({ scopes });
  return TokenManager.fromTokens({
    oauth: { clientId: emu.clientId, clientSecret: emu.clientSecret, baseUrl: emu.url, clock: emu.clock },
    tokens: { access_token: issued.access_token, refresh_token: issued.refresh_token, expires_at: issued.expires_at + 86_400, scope: ['read', ...scopes] },
    store: new MemoryStore(),
  });
}

/** A provider that always hands out the given tokens, and counts refreshes. */
function fixedProvider(first: ProvidedTokens, refreshed: ProvidedTokens): TokenProvider & { refreshes: number } {
  return {
    refreshes: 0,
    async getTokenSet() {
      return this.refreshes === 0 ? first : refreshed;
    },
    async refresh() {
      this.refreshes++;
      return refreshed;
    },
  };
}

describe('never an expired token', () => {
  test('a token past its expiry is refreshed before the request: Strava never sees it', async (t) => {
    const { emu, client } = await clientFixture(t, { scopes: [] });
    emu.clock.advance(6 * 3600);
    assert.equal((await client.getAthlete()).id, 1);
    assert.deepEqual(emu.stats().grants.refresh_token, 1);
    assert.deepEqual(emu.stats().calls['GET /api/v3/athlete'], 1, 'one call, accepted: no 401 first');
  });

  test('a provider that cannot renew an expired token: TokenExpiredError, nothing sent', async (t) => {
    const emu = await startTestEmulator(t);
    const stale = { accessToken: 'old', scopes: [], expiresAt: Math.floor(emu.clock.now() / 1000) - 1 };
    const client = new StravaClient({ tokens: fixedProvider(stale, stale), apiBaseUrl: `${emu.url}/api/v3`, clock: emu.clock });
    await assert.rejects(client.getAthlete(), TokenExpiredError);
    assert.deepEqual(emu.stats().calls, {});
  });
});

describe('401 for an invalid token: refresh once, retry once', () => {
  test('the manager believed a token Strava refuses: one refresh, the retry succeeds', async (t) => {
    const emu = await startTestEmulator(t);
    const manager = await skewedManager(emu);
    const client = new StravaClient({ tokens: manager, apiBaseUrl: `${emu.url}/api/v3`, clock: emu.clock });
    emu.clock.advance(6 * 3600 + 60);
    assert.equal((await client.getAthlete()).id, 1);
    assert.deepEqual([emu.stats().calls['GET /api/v3/athlete'], emu.stats().grants.refresh_token], [2, 1]);
  });

  test('concurrent requests refused together share one refresh', async (t) => {
    const emu = await startTestEmulator(t);
    const manager = await skewedManager(emu);
    const client = new StravaClient({ tokens: manager, apiBaseUrl: `${emu.url}/api/v3`, clock: emu.clock });
    emu.clock.advance(6 * 3600 + 60);
    const athletes = await Promise.all([client.getAthlete(), client.getAthlete(), client.getAthlete()]);
    assert.deepEqual(athletes.map((a) => a.id), [1, 1, 1]);
    assert.equal(emu.stats().grants.refresh_token, 1);
  });

  test('a 401 another request already recovered from: the late one takes the new token, no second refresh', async (t) => {
    const emu = await startTestEmulator(t);
    const manager = await skewedManager(emu);
    emu.rotateRefreshTokens = 'always';
    const stale = (await manager.getTokenSet()).accessToken;
    // Every refusal of the stale token after the first is held back until the first request has
    // renewed and succeeded: two requests refused with one token, renewing one after the other.
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let refusals = 0;
    const fetch: FetchLike = async (input, init) => {
      const response = await globalThis.fetch(input, init);
      if (new Headers(init?.headers).get('authorization') === `Bearer ${stale}` && refusals++ > 0) await released;
      return response;
    };
    const client = new StravaClient({ tokens: manager, apiBaseUrl: `${emu.url}/api/v3`, clock: emu.clock, fetch });
    emu.clock.advance(6 * 3600 + 60);
    const requests = [client.getAthlete(), client.getAthlete()];
    assert.equal((await Promise.race(requests)).id, 1);
    assert.equal(emu.stats().grants.refresh_token, 1, 'the first request renewed');
    release();
    assert.deepEqual((await Promise.all(requests)).map((a) => a.id), [1, 1]);
    assert.equal(refusals, 2, 'both requests were refused with the same token');
    assert.deepEqual([emu.stats().grants.refresh_token, emu.stats().rejectedRefreshTokens], [1, 0], 'no second refresh');
  });

  test('refused again after the refresh: InvalidAccessTokenError, after exactly one refresh and two calls', async (t) => {
    const emu = await startTestEmulator(t);
    const later = Math.floor(emu.clock.now() / 1000) + 3600;
    const provider = fixedProvider({ accessToken: 'bad-1', scopes: [], expiresAt: later }, { accessToken: 'bad-2', scopes: [], expiresAt: later });
    const client = new StravaClient({ tokens: provider, apiBaseUrl: `${emu.url}/api/v3`, clock: emu.clock });
    await assert.rejects(client.getAthlete(), InvalidAccessTokenError);
    assert.deepEqual([provider.refreshes, emu.stats().calls['GET /api/v3/athlete']], [1, 2]);
  });

  test('a revoked grant: the refresh itself is refused, and that error is what the caller sees', async (t) => {
    const emu = await startTestEmulator(t);
    const manager = await skewedManager(emu);
    const client = new StravaClient({ tokens: manager, apiBaseUrl: `${emu.url}/api/v3`, clock: emu.clock });
    const { accessToken } = await manager.getTokenSet();
    const revoke = await fetch(`${emu.url}/oauth/revoke`, {
      method: 'POST',
      headers: { authorization: `Basic ${btoa(`${emu.clientId}:${emu.clientSecret}`)}` },
      body: new URLSearchParams({ token: accessToken }),
    });
    assert.equal(revoke.status, 200);
    await assert.rejects(client.getAthlete(), InvalidRefreshTokenError);
    assert.equal(emu.stats().calls['GET /api/v3/athlete'], 1);
  });

  test('a bare access token cannot be refreshed: the 401 is thrown at once', async (t) => {
    const emu = await startTestEmulator(t);
    const client = new StravaClient({ tokens: 'not-a-token', apiBaseUrl: `${emu.url}/api/v3`, clock: emu.clock });
    await assert.rejects(client.getAthlete(), { name: 'InvalidAccessTokenError', status: 401 });
    assert.deepEqual([emu.stats().calls['GET /api/v3/athlete'], emu.stats().grants.refresh_token], [1, 0]);
  });
});

describe('the token only in the Authorization header, only to the API base', () => {
  const refusals: Array<{ how: string; run: (c: StravaClient) => Promise<unknown>; message: RegExp }> = [
    { how: 'access_token in the query', run: (c) => c.request('GET', '/athlete', { query: { access_token: 'x' } }), message: /not put access_token in the query/ },
    { how: 'access_token in the path', run: (c) => c.request('GET', '/athlete?access_token=x'), message: /not put access_token in the query/ },
    { how: 'access_token in a form', run: (c) => c.request('PUT', '/athlete', { form: { access_token: 'x' } }), message: /not put access_token in the form/ },
    { how: 'access_token in a JSON body', run: (c) => c.request('PUT', '/activities/1', { body: { access_token: 'x' } }), message: /not put access_token in the body/ },
    { how: 'an Authorization header of its own', run: (c) => c.request('GET', '/athlete', { headers: { Authorization: 'Bearer x' } }), message: /sets the Authorization header itself/ },
    { how: 'a URL on another host', run: (c) => c.request('GET', 'https://evil.example/api/v3/athlete'), message: /not under the API base/ },
  ];
  for (const row of refusals) {
    test(`refuses ${row.how} before sending anything`, async (t) => {
      const { emu, client } = await clientFixture(t, { scopes: [] });
      await assert.rejects(row.run(client), { name: 'TypeError', message: row.message });
      assert.deepEqual(emu.stats().calls, {});
    });
  }

  test('a full URL under the base and a leading /api/v3 are accepted', async (t) => {
    const { emu, client } = await clientFixture(t, { scopes: [] });
    assert.equal((await client.request<{ id: number }>('GET', `${emu.url}/api/v3/athlete`)).id, 1);
    assert.equal((await client.request<{ id: number }>('GET', '/api/v3/athlete')).id, 1);
  });

  test('the default base is www.strava.com/api/v3; the 2027 host is one option away', async (t) => {
    const emu = await startTestEmulator(t);
    const token = emu.issueTokens({ scopes: [] }).access_token;
    const seen: Array<{ url: string; authorization: string | null }> = [];
    // Records what the client asked for, then sends it to the emulator (which is not on those hosts).
    const routed = (base: string) => async (input: string | URL | Request, init?: RequestInit) => {
      const url = String(input);
      seen.push({ url, authorization: new Headers(init?.headers).get('authorization') });
      return fetch(`${emu.url}/api/v3${url.slice(base.length)}`, init);
    };
    assert.equal(new StravaClient({ tokens: token }).apiBaseUrl, STRAVA_API_BASE_URL);
    await new StravaClient({ tokens: token, fetch: routed(STRAVA_API_BASE_URL) }).getAthlete();
    await new StravaClient({ tokens: token, apiBaseUrl: STRAVA_API_BASE_URL_2027, fetch: routed(STRAVA_API_BASE_URL_2027) }).request('GET', '/api/v3/athlete');
    assert.deepEqual(seen, [
      { url: 'https://www.strava.com/api/v3/athlete', authorization: `Bearer ${token}` },
      { url: 'https://www.api-v3.strava.com/athlete', authorization: `Bearer ${token}` },
    ]);
  });
});

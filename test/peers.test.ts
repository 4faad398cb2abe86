/**
 * Other people's Strava clients against the emulator: if `arctic` and `strava-v3` complete
 * authorize -> code exchange -> refresh here unchanged, the emulator speaks Strava as real clients
 * expect. Both hard-code https://www.strava.com; the test reroutes their requests to the emulator
 * from outside (a fetch wrapper for arctic, an axios interceptor for strava-v3) without touching
 * their code.
 *
 * Where a peer and /work/shared/strava-protocol.md disagree, the test pins the peer's behaviour
 * and says so: the emulator follows the protocol.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, test, type TestContext } from 'node:test';
import { Strava, UnexpectedErrorResponseBodyError } from 'arctic';
import type { Strava as StravaV3 } from 'strava-v3';
import type { Emulator } from '../src/emulator/index.ts';
import { introspect, REDIRECT_URI, redirectQuery, startTestEmulator } from './helpers/emulator.ts';

const STRAVA_ORIGIN = 'https://www.strava.com';

/** The same URL on the emulator. */
function onEmulator(emu: Emulator, url: string | URL): string {
  const parsed = new URL(url);
  assert.equal(parsed.origin, STRAVA_ORIGIN, 'the peer aims at Strava itself');
  return `${emu.url}${parsed.pathname}${parsed.search}`;
}

/** Follows an authorize URL a peer built, as the browser would, and returns the callback query. */
async function followAuthorizeUrl(emu: Emulator, url: string | URL): Promise<URLSearchParams> {
  const response = await fetch(onEmulator(emu, url), { redirect: 'manual' });
  return redirectQuery(response);
}

/** While the test runs, global fetch sends www.strava.com requests to the emulator. */
function routeFetchToEmulator(t: TestContext, emu: Emulator): void {
  const original = globalThis.fetch;
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    if (new URL(request.url).origin !== STRAVA_ORIGIN) return original(request);
    const body = ['GET', 'HEAD'].includes(request.method) ? undefined : await request.arrayBuffer();
    return original(onEmulator(emu, request.url), { method: request.method, headers: request.headers, ...(body && { body }) });
  };
  t.after(() => {
    globalThis.fetch = original;
  });
}

describe('arctic (Strava provider)', () => {
  test('authorize URL, code exchange and refresh work unchanged against the emulator', async (t) => {
    const emu = await startTestEmulator(t, { consent: { policy: 'approve' } });
    routeFetchToEmulator(t, emu);
    const strava = new Strava(String(emu.clientId), emu.clientSecret, REDIRECT_URI);

    const url = strava.createAuthorizationURL('arctic-state', ['read', 'activity:read_all']);
    const callback = await followAuthorizeUrl(emu, url);
    assert.equal(callback.get('state'), 'arctic-state');
    assert.equal(callback.get('scope'), 'read,activity:read_all');

    const tokens = await strava.validateAuthorizationCode(callback.get('code')!);
    assert.equal(tokens.tokenType(), 'Bearer');
    assert.equal(tokens.accessTokenExpiresInSeconds(), 21600);
    assert.equal((tokens.data as { athlete: { id: number } }).athlete.id, 1);
    assert.equal((await introspect(emu, tokens.accessToken())).status, 200);

    emu.clock.advance(6 * 3600);
    const refreshed = await strava.refreshAccessToken(tokens.refreshToken());
    assert.notEqual(refreshed.accessToken(), tokens.accessToken());
    assert.notEqual(refreshed.refreshToken(), tokens.refreshToken());
    // arctic posts to /api/v3/oauth/token, the second documented address of the token endpoint.
    assert.deepEqual(emu.stats().calls['POST /api/v3/oauth/token'], 2);
    assert.deepEqual(emu.stats().grants, { authorization_code: 1, refresh_token: 1 });
  });

  test('a dead refresh token: arctic cannot read Strava\'s error body (peer deviates, not the emulator)', async (t) => {
    // Strava's errors are {"message","errors":[...]} (protocol section 4), not RFC 6749's
    // {"error": "invalid_grant"}. arctic only understands the RFC shape, so it throws its generic
    // UnexpectedErrorResponseBodyError and leaves the Strava body in `data`.
    const emu = await startTestEmulator(t);
    routeFetchToEmulator(t, emu);
    const strava = new Strava(String(emu.clientId), emu.clientSecret, REDIRECT_URI);
    const error = await strava.refreshAccessToken('0'.repeat(40)).catch((e: unknown) => e);
    assert.ok(error instanceof UnexpectedErrorResponseBodyError);
    assert.equal(error.status, 400);
    assert.deepEqual(error.data, {
      message: 'Bad Request',
      errors: [{ resource: 'RefreshToken', field: 'refresh_token', code: 'invalid' }],
    });
  });
});

describe('strava-v3', () => {
  // strava-v3 is CommonJS with module-level configuration; its HTTP goes through one axios
  // instance exported from axiosUtility.js, where an interceptor can rewrite the URL.
  const require = createRequire(import.meta.url);
  const strava = require('strava-v3') as StravaV3;
  const { axiosInstance } = require('strava-v3/axiosUtility.js') as {
    axiosInstance: {
      interceptors: {
        request: {
          use(f: (config: { url?: string; proxy?: unknown }) => { url?: string; proxy?: unknown }): number;
          eject(id: number): void;
        };
      };
    };
  };

  function routeAxiosToEmulator(t: TestContext, emu: Emulator): void {
    const id = axiosInstance.interceptors.request.use((config) => {
      if (config.url?.startsWith(STRAVA_ORIGIN)) {
        config.url = onEmulator(emu, config.url);
        config.proxy = false; // a developer's HTTP(S)_PROXY must not catch 127.0.0.1
      }
      return config;
    });
    t.after(() => axiosInstance.interceptors.request.eject(id));
  }

  test('getRequestAccessURL, getToken and refreshToken work unchanged against the emulator', async (t) => {
    const emu = await startTestEmulator(t, { consent: { policy: 'approve' } });
    routeAxiosToEmulator(t, emu);
    strava.config({ client_id: String(emu.clientId), client_secret: emu.clientSecret, redirect_uri: REDIRECT_URI });

    const url = strava.oauth.getRequestAccessURL({ scope: 'activity:read_all,profile:read_all', state: 'v3-state' });
    const callback = await followAuthorizeUrl(emu, url);
    assert.equal(callback.get('scope'), 'read,activity:read_all,profile:read_all');
    assert.equal(callback.get('state'), 'v3-state');

    // strava-v3 sends code and client credentials in the query string of an empty POST: one of
    // the encodings the protocol says Strava accepts.
    const tokens = await strava.oauth.getToken(callback.get('code')!);
    assert.equal(tokens.token_type, 'Bearer');
    assert.equal(tokens.athlete?.id, 1);

    emu.clock.advance(5.5 * 3600);
    const refreshed = await strava.oauth.refreshToken(tokens.refresh_token);
    assert.notEqual(refreshed.access_token, tokens.access_token);
    assert.equal(refreshed.athlete, undefined);
    assert.deepEqual(emu.stats().grants, { authorization_code: 1, refresh_token: 1 });

    const deauthorized = await strava.oauth.deauthorize({ access_token: refreshed.access_token });
    assert.deepEqual(deauthorized, { access_token: refreshed.access_token });
    assert.equal((await introspect(emu, tokens.access_token)).status, 401);
  });

  test('approval_prompt: strava-v3 offers "prompt" where the protocol documents "force"', async (t) => {
    // strava-v3's types allow only "prompt" | "auto" and call "force" deprecated; the protocol
    // (section 1) documents auto and force only. The emulator shows the consent page for any
    // value other than auto, so a strava-v3 user asking "prompt" still sees the page here.
    const emu = await startTestEmulator(t, { consent: { policy: 'approve' } });
    strava.config({ client_id: String(emu.clientId), client_secret: emu.clientSecret, redirect_uri: REDIRECT_URI });
    await followAuthorizeUrl(emu, strava.oauth.getRequestAccessURL({ scope: 'activity:read' }));
    emu.setConsent(null);
    const url = strava.oauth.getRequestAccessURL({ scope: 'activity:read', approval_prompt: 'prompt' });
    const response = await fetch(onEmulator(emu, url), { redirect: 'manual' });
    assert.equal(response.status, 200, 'consent page shown again');
  });
});

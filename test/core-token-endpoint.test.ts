/**
 * The core's token endpoint client against the emulator over HTTP: each answer of protocol
 * sections 2-4 becomes the TokenSet or the typed error the caller can act on.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test, type TestContext } from 'node:test';
import { InvalidClientError } from '../src/core/errors/invalid-client-error.ts';
import { InvalidCodeError } from '../src/core/errors/invalid-code-error.ts';
import { InvalidRefreshTokenError } from '../src/core/errors/invalid-refresh-token-error.ts';
import { MalformedResponseError } from '../src/core/errors/malformed-response-error.ts';
import { NetworkError } from '../src/core/errors/network-error.ts';
import { RateLimitError } from '../src/core/errors/rate-limit-error.ts';
import { StravaServerError } from '../src/core/errors/server-error.ts';
import { deauthorize, exchangeCode, refreshTokens, revokeToken, type OAuthConfig } from '../src/core/token-endpoint.ts';
import { startFaultProxy } from './fixtures/fault-proxy.ts';
import { obtainCode, startTestEmulator } from './helpers/emulator.ts';

const servers: Server[] = [];

/** A throwaway HTTP server on 127.0.0.1 standing in for a Strava that misbehaves; its base URL. */
async function serve(t: TestContext, handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(closeAll);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function closeAll(): Promise<void> {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
}

async function setup(t: TestContext) {
  const emu = await startTestEmulator(t);
  const config: OAuthConfig = { clientId: emu.clientId, clientSecret: emu.clientSecret, baseUrl: emu.url, clock: emu.clock, sleep: async () => {} };
  const introspect = async (token: string) =>
    (await fetch(`${emu.url}/_emulator/introspect`, { headers: { authorization: `Bearer ${token}` } })).status;
  return { emu, config, introspect };
}

describe('exchangeCode', () => {
  test('a code becomes a TokenSet with the athlete and the granted scopes', async (t) => {
    const { emu, config } = await setup(t);
    const tokens = await exchangeCode(config, await obtainCode(emu, 'read,activity:write'), { scopes: ['read', 'activity:write'] });
    assert.match(tokens.accessToken, /^[0-9a-f]{40}$/);
    assert.equal(tokens.expiresIn(emu.clock), 21600);
    assert.equal(tokens.athlete?.id, 1);
    assert.deepEqual(tokens.scopes, ['read', 'activity:write']);
  });
  test('a reused code is InvalidCodeError', async (t) => {
    const { emu, config } = await setup(t);
    const code = await obtainCode(emu);
    await exchangeCode(config, code, { scopes: ['read'] });
    await assert.rejects(exchangeCode(config, code, { scopes: ['read'] }), InvalidCodeError);
  });
  test('an expired code is InvalidCodeError', async (t) => {
    const { emu, config } = await setup(t);
    const code = await obtainCode(emu);
    emu.clock.advance(601);
    await assert.rejects(exchangeCode(config, code, { scopes: ['read'] }), InvalidCodeError);
  });
  test('a wrong secret or an unknown client id is InvalidClientError naming the field, without the secret', async (t) => {
    const { emu, config } = await setup(t);
    const code = await obtainCode(emu);
    await assert.rejects(exchangeCode({ ...config, clientSecret: 'wrong-secret-value' }, code, { scopes: [] }), (e: unknown) => {
      assert.ok(e instanceof InvalidClientError);
      assert.equal(e.field, 'client_secret');
      assert.doesNotMatch(`${e.message} ${JSON.stringify(e)}`, /wrong-secret-value/);
      return true;
    });
    await assert.rejects(exchangeCode({ ...config, clientId: 424242 }, code, { scopes: [] }), (e: unknown) => e instanceof InvalidClientError && e.field === 'client_id');
  });
});

describe('refreshTokens', () => {
  test('more than an hour left: the same access token comes back', async (t) => {
    const { emu, config } = await setup(t);
    const tokens = await exchangeCode(config, await obtainCode(emu), { scopes: ['read'] });
    const again = await refreshTokens(config, tokens);
    assert.equal(again.accessToken, tokens.accessToken);
    assert.equal(again.expiresAt, tokens.expiresAt);
    assert.equal(again.athlete?.id, 1, 'the athlete travels with the set');
  });
  test('near expiry: a new access token and a rotated refresh token; the old refresh token is dead at once, the old access token lives on', async (t) => {
    const { emu, config, introspect } = await setup(t);
    const tokens = await exchangeCode(config, await obtainCode(emu, 'read,activity:read'), { scopes: ['read', 'activity:read'] });
    emu.clock.advance(21600 - 1800);
    const fresh = await refreshTokens(config, tokens);
    assert.notEqual(fresh.accessToken, tokens.accessToken);
    assert.notEqual(fresh.refreshToken, tokens.refreshToken);
    assert.deepEqual(fresh.scopes, ['read', 'activity:read'], 'login scopes travel with the set');
    assert.equal(await introspect(tokens.accessToken), 200);
    await assert.rejects(refreshTokens(config, tokens), (e: unknown) => {
      assert.ok(e instanceof InvalidRefreshTokenError);
      assert.match(e.message, /Ask the athlete to authorize the app again/, 'no login command configured: neutral words');
      return true;
    });
  });
});

describe('revokeToken and deauthorize', () => {
  test('revoking the refresh token revokes the access token too; unknown tokens are fine', async (t) => {
    const { emu, config, introspect } = await setup(t);
    const tokens = await exchangeCode(config, await obtainCode(emu), { scopes: ['read'] });
    await revokeToken(config, tokens.refreshToken, 'refresh_token');
    assert.equal(await introspect(tokens.accessToken), 401);
    await assert.rejects(refreshTokens(config, tokens), InvalidRefreshTokenError);
    await revokeToken(config, 'f'.repeat(40));
  });
  test('deauthorize sends the token in the Authorization header, nowhere else, and ends access', async (t) => {
    const { emu, config, introspect } = await setup(t);
    // The emulator also takes the token as a parameter (Strava did until 2027-06-01), so only a
    // record of the request can tell how it travelled.
    const proxy = await startFaultProxy(emu.url);
    t.after(() => proxy.close());
    const tokens = await exchangeCode(config, await obtainCode(emu), { scopes: ['read'] });
    await deauthorize({ ...config, baseUrl: proxy.url }, tokens.accessToken);
    assert.deepEqual(
      proxy.requests.map((r) => ({ method: r.method, url: r.url, authorization: r.headers.authorization, body: r.body })),
      [{ method: 'POST', url: '/oauth/deauthorize', authorization: `Bearer ${tokens.accessToken}`, body: '' }],
    );
    assert.equal(await introspect(tokens.accessToken), 401);
  });
  test('revoke retries a 503, as the protocol allows, and sends HTTP Basic', async (t) => {
    const seen: Array<{ status: number; authorization: string | undefined }> = [];
    const baseUrl = await serve(t, (req, res) => {
      const status = seen.length === 0 ? 503 : 200;
      seen.push({ status, authorization: req.headers.authorization });
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
    await revokeToken({ clientId: 7, clientSecret: 'sekret', baseUrl, sleep: async () => {} }, 'token');
    assert.deepEqual(seen.map((s) => s.status), [503, 200]);
    assert.equal(seen[1]!.authorization, `Basic ${btoa('7:sekret')}`);
  });
});

describe('failures that are not Strava errors', () => {
  test('nothing listening: NetworkError naming the endpoint', async (t) => {
    const { config } = await setup(t);
    const closed = await serve(t, () => {});
    await closeAll();
    await assert.rejects(refreshTokens({ ...config, baseUrl: closed }, { refreshToken: 'x', scopes: [] }), (e: unknown) => {
      assert.ok(e instanceof NetworkError);
      assert.match(e.message, new RegExp(`^Could not reach ${closed}/oauth/token: .*ECONNREFUSED`));
      return true;
    });
  });
  test('429 and 5xx from the token endpoint are RateLimitError and StravaServerError', async (t) => {
    const { emu, config } = await setup(t);
    const proxy = await startFaultProxy(emu.url);
    t.after(() => proxy.close());
    const via = { ...config, baseUrl: proxy.url };
    proxy.faults.push({ kind: 'status', status: 429, body: { message: 'Rate Limit Exceeded', errors: [{ resource: 'Application', field: 'rate limit', code: 'exceeded' }] } });
    await assert.rejects(refreshTokens(via, { refreshToken: 'x', scopes: [] }), RateLimitError);
    proxy.faults.push({ kind: 'status', status: 502, body: {} });
    await assert.rejects(refreshTokens(via, { refreshToken: 'x', scopes: [] }), StravaServerError);
  });
  test('a server that is not Strava: MalformedResponseError, the body never quoted', async (t) => {
    const baseUrl = await serve(t, (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>access_token=leaked</html>'));
    await assert.rejects(exchangeCode({ clientId: 1, clientSecret: 's', baseUrl }, 'code', { scopes: [] }), (e: unknown) => {
      assert.ok(e instanceof MalformedResponseError);
      assert.doesNotMatch(e.message, /leaked/);
      return true;
    });
  });
});

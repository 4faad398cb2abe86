/**
 * Property tests (fast-check) of the servers' request handling over raw TCP: random and malformed
 * request lines, targets, headers, query strings and bodies never end a server, are answered with
 * a status under 500 (or a closed connection, for bytes that are not HTTP), leave the server
 * answering a good request, and never carry a secret the request was not given.
 */
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import fc from 'fast-check';
import { startLoopbackServer } from '../src/cli/loopback-server.ts';
import { parseCallback } from '../src/core/callback.ts';
import { StravaAuthError } from '../src/core/errors/strava-auth-error.ts';
import { startTestEmulator } from './helpers/emulator.ts';
import { rawExchange } from './helpers/raw-http.ts';
import { connectAthlete, startTestService, TEST_API_KEY } from './helpers/serve.ts';

/** Runs per property: a few seconds each on a loaded machine. */
const RUNS = 300;

/** Text that mixes what servers trip over: escapes, slashes, control bytes, non-ASCII. */
const nasty = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('%', '%zz', '%00', '%2F', '%%', '//', '/\\', '\\', '..', '../..', '#', '?', '&', '=', '+', ';', ' ', '\t', '\r\n', '\0', '\x1b[31m', 'é', '𝄞', '*', '@', ':'),
);

const path = fc.oneof(
  fc.constantFrom('/', '//', '/callback', '/_emulator', '/_emulator/clock', '/_emulator/tokens', '/oauth/token', '/oauth/authorize', '/oauth/accept', '/api/v3/athlete', '/api/v3/uploads', '*', '/connect', '/v1/athletes', '/v1/athletes/1/token', '/v1/athletes/1', '/readyz', '/metrics'),
  fc.array(nasty, { maxLength: 4 }).map((parts) => `/${parts.join('/')}`),
  fc.array(nasty, { maxLength: 3 }).map((parts) => `//${parts.join('/')}`),
  nasty,
  fc.constantFrom('/api/v3/push_subscriptions', '/api/v3/push_subscriptions/1', '/_emulator/webhooks', '/_emulator/webhooks/events', '/_emulator/webhooks/deauthorize'),
  fc.constantFrom('http://127.0.0.1/callback', 'http://evil.example/', 'https://[::1]/x', `/${'a'.repeat(9000)}`),
);

const query = fc.array(fc.tuple(fc.oneof(fc.constantFrom('code', 'state', 'scope', 'error', 'client_id', 'redirect_uri'), nasty), nasty), { maxLength: 5 })
  .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`));

/** Mostly well-formed, so that requests get past the parser and reach the guard and the routes. */
const often = <T,>(usual: fc.Arbitrary<T>, odd: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: usual }, { weight: 1, arbitrary: odd });

const method = often(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH'), fc.oneof(fc.constantFrom('TRACE', 'CONNECT', 'PRI', 'get'), fc.string({ maxLength: 8 })));
const version = often(fc.constant('HTTP/1.1'), fc.constantFrom('HTTP/1.0', 'HTTP/2.0', 'HTTP/9.9', 'HTTP/1.1 extra', ''));

/** A Host header: usually this server's, sometimes another's, missing or empty. */
const host = (port: number) =>
  often(
    fc.constantFrom(`Host: 127.0.0.1:${port}`, `Host: localhost:${port}`, `Host: [::1]:${port}`),
    fc.constantFrom([], 'Host: evil.example', 'Host: ', `Host: 127.0.0.1:${port + 1}`, `Host: 127.0.0.1:${port}\r\nHost: evil.example`),
  );

/** Another header with a name that matters (or a random one) and a value that may be garbage. */
const header = fc.oneof(
  fc.tuple(
    fc.constantFrom('Content-Length', 'Transfer-Encoding', 'Content-Type', 'Content-Encoding', 'Origin', 'Sec-Fetch-Site', 'Authorization', 'Connection', 'Expect', 'X-Any'),
    fc.oneof(nasty, fc.constantFrom('chunked', 'gzip', '0', '5', '-1', '99999999999', 'application/json', 'multipart/form-data; boundary=x', 'Bearer x', 'Basic Og==', 'null', 'cross-site', '100-continue')),
  ).map(([name, value]) => `${name}: ${value}`),
  nasty.map((line) => line.replace(/\r?\n/g, '')),
);

/** One request, assembled from parts that may each be malformed. */
const request = (port: number) =>
  fc
    .record({
      method,
      path,
      query,
      version,
      host: host(port),
      headers: fc.array(header, { maxLength: 4 }),
      body: fc.oneof(fc.constant(''), nasty, fc.constantFrom('{"advance":1e308}', '{"scopes":["read"]}', '0\r\n\r\n', 'zz\r\nabc\r\n', '{')),
      separator: often(fc.constant('\r\n'), fc.constantFrom('\n', '\r')),
    })
    .map(({ method, path, query, version, host, headers, body, separator }) =>
      [`${method} ${path}${query} ${version}`, ...[host].flat(), ...headers].join(separator) + separator + separator + body,
    );

/** Bytes that are not HTTP at all. */
const garbage = fc.uint8Array({ minLength: 1, maxLength: 200 });

async function checkServer(t: TestContext, port: number, goodPath: string, inspect: (text: string) => void): Promise<void> {
  const good = `GET ${goodPath} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`;
  const property = fc.asyncProperty(fc.oneof({ weight: 4, arbitrary: request(port) }, { weight: 1, arbitrary: garbage }), async (sent) => {
    const answer = await rawExchange(port, sent);
    assert.ok(answer.status === null || answer.status < 500, `status ${answer.status}: ${answer.text.slice(0, 300)}`);
    inspect(answer.text);
    assert.equal((await rawExchange(port, good)).status, 200, 'the server still answers a good request');
  });
  await fc.assert(property, { numRuns: RUNS });
  t.diagnostic(`${RUNS} random requests`);
}

describe('servers survive random and malformed requests', () => {
  test('the emulator: < 500, still serving, and no secret or foreign token in any answer', async (t) => {
    const emu = await startTestEmulator(t);
    const issued = emu.issueTokens({ scopes: ['read', 'activity:write'] });
    await checkServer(t, emu.port, '/_emulator/stats', (text) => {
      for (const token of [issued.access_token, issued.refresh_token]) assert.ok(!text.includes(token), 'a token issued elsewhere came back');
      // GET /_emulator hands the secret to other processes on purpose; nothing else may.
      if (!/"oauthUrl":/.test(text)) assert.ok(!text.includes(emu.clientSecret), 'the client secret came back');
    });
  });

  test('the login loopback server: < 500 and still serving', async (t) => {
    const expectedState = 'the-state-of-this-login';
    const server = await startLoopbackServer(0, async (url) => {
      try {
        parseCallback(url, { expectedState });
        return { status: 200, html: 'ok' };
      } catch (error) {
        if (!(error instanceof StravaAuthError)) throw error; // a 500, which the property catches
        return { status: 400, html: 'refused' };
      }
    });
    t.after(() => server.close());
    const port = Number(new URL(server.redirectUri).port);
    await checkServer(t, port, `/callback?state=${expectedState}&code=c`, (text) => assert.ok(!text.includes(expectedState), 'the state was echoed'));
  });

  test('the token service: < 500, still serving, and no token or API key in any answer without the key', async (t) => {
    const emu = await startTestEmulator(t);
    const svc = await startTestService(t, emu);
    await connectAthlete(svc.url, emu, { athleteId: 1 });
    const record = await svc.store.get('1');
    await checkServer(t, svc.running.port, '/healthz', (text) => {
      for (const secret of [record!.tokens.accessToken, record!.tokens.refreshToken, TEST_API_KEY, emu.clientSecret]) assert.ok(!text.includes(secret), 'a secret came back');
    });
  });
});

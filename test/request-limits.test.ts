/**
 * Every outgoing request has a deadline and a body cap: the token endpoint (exchange, refresh,
 * revoke, deauthorize), the API client and the token manager against the hostile server over
 * 127.0.0.1 (a server that never answers, one that stalls mid-body, one whose body never ends).
 * Deadlines are short here so the tests are quick; nothing asserts on wall-clock time.
 */
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { UploadTooLargeError } from '../src/client/errors/upload-too-large-error.ts';
import { StravaClient } from '../src/client/strava-client.ts';
import { MAX_UPLOAD_BYTES } from '../src/client/uploads.ts';
import { ManualClock } from '../src/core/clock.ts';
import { NetworkError } from '../src/core/errors/network-error.ts';
import { RequestTimeoutError } from '../src/core/errors/request-timeout-error.ts';
import { ResponseTooLargeError } from '../src/core/errors/response-too-large-error.ts';
import type { FetchLike } from '../src/core/http.ts';
import { NO_RETRY, type RetryPolicy } from '../src/core/retry.ts';
import { deauthorize, exchangeCode, refreshTokens, revokeToken, type OAuthConfig } from '../src/core/token-endpoint.ts';
import { MemoryStore } from '../src/tokens/memory-store.ts';
import { TokenManager } from '../src/tokens/token-manager.ts';
import { startHostileServer, type HostileMode, type HostileServer } from './fixtures/hostile-server.ts';

const TIMEOUT_MS = 150;
const CAP = 64 * 1024;
const SECRET = 'client-secret-0123456789';
const REFRESH = 'refresh-token-0123456789';
const ACCESS = 'access-token-0123456789';
/**
 * What the endless server may have handed to the kernel beyond what the client read before it
 * stopped: loopback socket buffers (a few MB at most on Linux). Without the cap the client would
 * read until the test's own timeout, far past this.
 */
const SOCKET_SLACK = 16 * 1024 * 1024;
/** A regression (no deadline, no cap) fails here instead of hanging the suite. */
const BOUND = { timeout: 20_000 };

async function hostile(t: TestContext, mode: HostileMode): Promise<HostileServer> {
  const server = await startHostileServer({ mode });
  t.after(() => server.close());
  return server;
}

/** The real fetch, counting the requests sent (connections are no measure: undici may open a spare one). */
function countingFetch(): { fetch: FetchLike; sent: () => number } {
  let sent = 0;
  return { fetch: (input, init) => (sent++, fetch(input, init)), sent: () => sent };
}

function oauthAt(server: HostileServer, retry: RetryPolicy = NO_RETRY, fetchFn: FetchLike = fetch, timeoutMs = TIMEOUT_MS): OAuthConfig {
  return { clientId: 4242, clientSecret: SECRET, baseUrl: server.url, requestTimeoutMs: timeoutMs, maxResponseBytes: CAP, retry, sleep: async () => {}, fetch: fetchFn };
}

/** The calls of the library that go out, each against the server at `server`, through `fetchFn`, bounded by `ms`. */
const CALLS: Record<string, (server: HostileServer, fetchFn: FetchLike, ms: number) => Promise<unknown>> = {
  'exchangeCode (POST /oauth/token)': (server, f, ms) => exchangeCode(oauthAt(server, NO_RETRY, f, ms), 'a-code', { scopes: ['read'] }),
  'refreshTokens (POST /oauth/token)': (server, f, ms) => refreshTokens(oauthAt(server, NO_RETRY, f, ms), { refreshToken: REFRESH, scopes: ['read'] }),
  'revokeToken (POST /oauth/revoke)': (server, f, ms) => revokeToken(oauthAt(server, NO_RETRY, f, ms), REFRESH, 'refresh_token'),
  'deauthorize (POST /oauth/deauthorize)': (server, f, ms) => deauthorize(oauthAt(server, NO_RETRY, f, ms), ACCESS),
  'StravaClient GET /athlete': (server, f, ms) =>
    new StravaClient({ tokens: ACCESS, apiBaseUrl: `${server.url}/api/v3`, requestTimeoutMs: ms, maxResponseBytes: CAP, retry: NO_RETRY, fetch: f }).getAthlete(),
  'TokenManager refresh of an expired token': async (server, f, ms) => {
    const manager = await TokenManager.fromTokens({
      store: new MemoryStore(),
      oauth: oauthAt(server, NO_RETRY, f, ms),
      tokens: { accessToken: ACCESS, refreshToken: REFRESH, expiresAt: Math.floor(Date.now() / 1000) - 60 },
    });
    return manager.getAccessToken();
  },
};

/** The error names the host (origin only) and what to check, and carries no secret. */
function assertNamesHost(error: unknown, server: HostileServer): void {
  assert.ok(error instanceof NetworkError, 'a NetworkError, so the CLI exits 6 and callers that catch network errors catch it');
  const text = `${error.message} ${JSON.stringify(error)}`;
  assert.ok(error.message.includes(server.url), `names ${server.url}: ${error.message}`);
  assert.match(error.remedy, /network connection, STRAVA_BASE_URL if set, and any proxy|STRAVA_BASE_URL \(if set\) and any proxy/);
  for (const secret of [SECRET, REFRESH, ACCESS, 'a-code']) assert.ok(!text.includes(secret), `no ${secret} in ${text}`);
}

for (const mode of ['silent', 'stall-body'] as const) {
  describe(`a ${mode} server: every call ends with RequestTimeoutError`, BOUND, () => {
    for (const [name, call] of Object.entries(CALLS)) {
      test(name, async (t) => {
        const server = await hostile(t, mode);
        const counter = countingFetch();
        const error = await call(server, counter.fetch, TIMEOUT_MS).then(
          () => assert.fail('resolved'),
          (e: unknown) => e,
        );
        assert.ok(error instanceof RequestTimeoutError, `RequestTimeoutError, got ${String(error)}`);
        assert.equal(error.code, 'request_timeout');
        assert.equal(error.origin, server.url);
        assert.equal(error.timeoutMs, TIMEOUT_MS);
        assert.match(error.remedy, /STRAVA_AUTH_TIMEOUT=SECONDS for the CLI, the requestTimeoutMs option in code/);
        assertNamesHost(error, server);
        assert.equal(counter.sent(), 1, 'sent once (no retries configured)');
      });
    }
  });
}

describe('an endless body: every call stops at the cap with ResponseTooLargeError', BOUND, () => {
  for (const [name, call] of Object.entries(CALLS)) {
    test(name, async (t) => {
      const server = await hostile(t, 'endless');
      // A generous deadline: the cap, not the clock, must end these on a loaded machine.
      const error = await call(server, fetch, 15_000).then(
        () => assert.fail('resolved'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof ResponseTooLargeError, `ResponseTooLargeError, got ${String(error)}`);
      assert.equal(error.code, 'response_too_large');
      assert.equal(error.maxResponseBytes, CAP);
      assert.match(error.message, /answered with more than 65536 bytes; stopped reading\./);
      assertNamesHost(error, server);
      assert.ok(server.bytesSent < CAP + SOCKET_SLACK, `the server got to send ${server.bytesSent} bytes`);
    });
  }

  test('a declared Content-Length above the cap is refused without reading the body', async (t) => {
    // stall-body declares 1000 bytes and sends 8: reading would wait for the rest until the deadline.
    const server = await hostile(t, 'stall-body');
    const error = await exchangeCode({ ...oauthAt(server), requestTimeoutMs: 60_000, maxResponseBytes: 999 }, 'a-code', { scopes: ['read'] }).then(
      () => assert.fail('resolved'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ResponseTooLargeError, String(error));
  });

  test('an over-cap body is not retried, even for an idempotent GET', async (t) => {
    const server = await hostile(t, 'endless');
    const client = new StravaClient({
      tokens: ACCESS,
      apiBaseUrl: `${server.url}/api/v3`,
      maxResponseBytes: CAP,
      retry: { retries: 3, baseDelayMs: 1, maxDelayMs: 1 },
      sleep: async () => {},
    });
    await assert.rejects(client.getAthlete(), ResponseTooLargeError);
    assert.equal(server.requests.length, 1);
  });
});

describe('deadlines and the retry budget', BOUND, () => {
  test('the deadline holds even when the fetch ignores the abort signal', async (t) => {
    const server = await hostile(t, 'silent');
    const deaf: FetchLike = (input, init) => fetch(input, { ...init, signal: null });
    const error = await exchangeCode({ ...oauthAt(server), fetch: deaf }, 'a-code', { scopes: ['read'] }).then(
      () => assert.fail('resolved'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof RequestTimeoutError);
  });

  test('a timed-out GET is retried, but no retry starts past the budget', async (t) => {
    const server = await hostile(t, 'silent');
    const counter = countingFetch();
    const clock = new ManualClock({ frozen: true });
    const client = new StravaClient({
      fetch: counter.fetch,
      tokens: ACCESS,
      apiBaseUrl: `${server.url}/api/v3`,
      requestTimeoutMs: TIMEOUT_MS,
      clock,
      // Each wait moves the clock a second: attempts at 0 s, 1 s, 2 s; a fourth would start with
      // less than a second of the 2.5 s budget left.
      sleep: async () => clock.advance(1),
      retry: { retries: 10, baseDelayMs: 1, maxDelayMs: 1, budgetMs: 2500 },
    });
    await assert.rejects(client.getAthlete(), RequestTimeoutError);
    assert.equal(counter.sent(), 3);
  });

  test('each attempt gets at most what is left of the budget', async (t) => {
    const server = await hostile(t, 'silent');
    const clock = new ManualClock({ frozen: true });
    const counter = countingFetch();
    const oauth: OAuthConfig = {
      ...oauthAt(server, { retries: 3, baseDelayMs: 1, maxDelayMs: 1, budgetMs: 1150 }, counter.fetch),
      requestTimeoutMs: 30_000,
      clock,
      sleep: async () => clock.advance(1),
    };
    // First attempt: min(30 s, 1.15 s); then a second passes; the last gets the 150 ms left.
    const error = await revokeToken(oauth, REFRESH).then(
      () => assert.fail('resolved'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof RequestTimeoutError);
    assert.equal(error.timeoutMs, 150);
    assert.equal(counter.sent(), 2);
  });

  test('the token manager passes requestTimeoutMs to every refresh attempt', async (t) => {
    const server = await hostile(t, 'silent');
    const manager = await TokenManager.fromTokens({
      store: new MemoryStore(),
      oauth: { ...oauthAt(server), requestTimeoutMs: 30_000 },
      requestTimeoutMs: 120,
      tokens: { accessToken: ACCESS, refreshToken: REFRESH, expiresAt: Math.floor(Date.now() / 1000) - 60 },
    });
    const error = await manager.getAccessToken().then(
      () => assert.fail('resolved'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof RequestTimeoutError);
    assert.equal(error.timeoutMs, 120);
    assert.equal((await manager.store.get('default'))?.invalid, undefined, 'a timeout does not mark the refresh token invalid');
  });

  test('a URL with userinfo: the password is in no message', async (t) => {
    const server = await hostile(t, 'silent');
    const error = await exchangeCode({ ...oauthAt(server), baseUrl: server.url.replace('//', '//user:PASSWORD-123@') }, 'a-code', { scopes: ['read'] }).then(
      () => assert.fail('resolved'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof NetworkError);
    assert.ok(!error.message.includes('PASSWORD-123'), error.message);
    assert.ok(error.message.includes(server.url), error.message);
  });

  test('an activity file above Strava\'s 25 MB is refused before anything is sent', async (t) => {
    const server = await hostile(t, 'silent');
    const counter = countingFetch();
    const client = new StravaClient({ tokens: ACCESS, scopes: 'activity:write', apiBaseUrl: `${server.url}/api/v3`, fetch: counter.fetch });
    const error = await client.uploadActivity({ file: new Uint8Array(MAX_UPLOAD_BYTES + 1), filename: 'huge.fit' }).then(
      () => assert.fail('resolved'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof UploadTooLargeError);
    assert.equal(error.message, '"huge.fit" is 25.0 MB; Strava accepts activity files up to 25 MB. Compress it (.fit.gz, .gpx.gz, .tcx.gz) or split the activity, then upload again.');
    assert.equal(counter.sent(), 0);
  });

  test('limits that would disable the bound are refused before anything is sent', async (t) => {
    const server = await hostile(t, 'silent');
    assert.throws(() => new StravaClient({ tokens: ACCESS, apiBaseUrl: server.url, requestTimeoutMs: 0 }), RangeError);
    await assert.rejects(exchangeCode({ ...oauthAt(server), maxResponseBytes: Infinity }, 'a-code', { scopes: [] }), RangeError);
    const counter = countingFetch();
    await assert.rejects(revokeToken({ ...oauthAt(server, NO_RETRY, counter.fetch), requestTimeoutMs: -1 }, REFRESH), RangeError);
    assert.equal(counter.sent(), 0);
  });
});

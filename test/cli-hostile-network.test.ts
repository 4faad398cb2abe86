/**
 * Every CLI command that talks to Strava gives up on a hostile network with exit 6 and one
 * sentence naming the host and what to check: against a server that never answers, one that
 * stalls mid-body and one whose body never ends (hostile-server fixture, 127.0.0.1). The request
 * deadline is shortened with STRAVA_AUTH_TIMEOUT so the suite is quick; the body cap is the
 * default one. `status` is not here: it never touches the network.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { FileStore } from '../src/node/file-store.ts';
import { startHostileServer, type HostileMode, type HostileServer } from './fixtures/hostile-server.ts';
import { cliSandbox, type CliResult, type CliSandbox } from './helpers/cli.ts';
import { fakeCli } from './helpers/fake-io.ts';

const SECRET = 'cli-client-secret-0123456789';
const REFRESH = 'cli-refresh-token-0123456789';
const ACCESS = 'cli-access-token-0123456789';
/** See request-limits.test.ts: what loopback socket buffers may hold beyond what was read. */
const SOCKET_SLACK = 16 * 1024 * 1024;
const DEFAULT_CAP = 8 * 1024 * 1024;

interface Case {
  args: string[];
  /** Token expiry relative to now, in seconds (undefined: not logged in). */
  expiresIn?: number;
}

const COMMANDS: Record<string, Case> = {
  'api /athlete': { args: ['api', '/athlete'], expiresIn: 6 * 3600 },
  'token (expired)': { args: ['token'], expiresIn: -60 },
  refresh: { args: ['refresh'], expiresIn: 6 * 3600 },
  logout: { args: ['logout'], expiresIn: 6 * 3600 },
  exchange: { args: ['exchange', 'abcdef123456', '--scope', 'read'] },
  // Long enough for the endless case to read its 8 MB on a loaded machine.
  'login --no-browser --timeout 20': { args: ['login', '--no-browser', '--timeout', '20'] },
  url: { args: ['url', '--redirect-uri', 'http://localhost:8080/callback'] },
};

/** The environment of a CLI pointed at `server`. */
function serverEnv(server: HostileServer, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { STRAVA_BASE_URL: server.url, STRAVA_CLIENT_ID: '4242', STRAVA_CLIENT_SECRET: SECRET, BROWSER: 'false', ...env };
}

async function sandboxFor(t: TestContext, server: HostileServer, c: Case, env: NodeJS.ProcessEnv = {}): Promise<CliSandbox> {
  const cli = await cliSandbox(t, serverEnv(server, env));
  await logIn(cli.configDir, c);
  return cli;
}

/** Stores tokens expiring as `c` says (none when it says nothing). */
async function logIn(configDir: string, c: Case): Promise<void> {
  if (c.expiresIn !== undefined) {
    const store = new FileStore({ dir: join(configDir, 'tokens') });
    await store.set('default', {
      tokens: { accessToken: ACCESS, refreshToken: REFRESH, expiresAt: Math.floor(Date.now() / 1000) + c.expiresIn, scopes: ['read', 'activity:read_all'] },
      updatedAt: Date.now(),
    });
  }
}

async function run(t: TestContext, server: HostileServer, c: Case, env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return (await sandboxFor(t, server, c, env)).run(c.args);
}

/** Resolves once `condition()` holds; rejects after `ms` (a bounded wait, not a sleep for timing). */
async function until(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; !condition(); ) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function assertGaveUp(result: CliResult, server: HostileServer, what: RegExp): void {
  assert.equal(result.code, 6, result.stderr);
  assert.match(result.stderr, what);
  assert.ok(result.stderr.includes(server.url), `names the host: ${result.stderr}`);
  assert.match(result.stderr, /STRAVA_BASE_URL/, 'says what to check');
  for (const secret of [SECRET, REFRESH, ACCESS]) assert.ok(!`${result.stdout}${result.stderr}`.includes(secret), `no secret in the output: ${result.stderr}`);
}

async function hostile(t: TestContext, mode: HostileMode): Promise<HostileServer> {
  const server = await startHostileServer({ mode });
  t.after(() => server.close());
  return server;
}

// A regression (no deadline, no cap) fails on the suite's timeout instead of hanging npm test.
const SUITE = { concurrency: 4, timeout: 120_000 };

for (const mode of ['silent', 'stall-body'] as const) {
  describe(`CLI against a ${mode} server: exit 6, the host named`, SUITE, () => {
    for (const [name, c] of Object.entries(COMMANDS)) {
      test(name, async (t) => {
        const server = await hostile(t, mode);
        const result = await run(t, server, c, { STRAVA_AUTH_TIMEOUT: '0.3' });
        assertGaveUp(result, server, /^error: (GET|POST) \/\S+ at http:\/\/127\.0\.0\.1:\d+ got no complete answer within 300 ms\./m);
        assert.match(result.stderr, /STRAVA_AUTH_TIMEOUT=SECONDS/);
      });
    }
  });
}

describe('CLI against an endless body: exit 6 at the default cap', SUITE, () => {
  for (const [name, c] of Object.entries(COMMANDS)) {
    test(name, async (t) => {
      const server = await hostile(t, 'endless');
      const result = await run(t, server, c);
      assertGaveUp(result, server, /^error: (GET|POST) \/\S+ at http:\/\/127\.0\.0\.1:\d+ answered with more than 8 MB; stopped reading\./m);
      assert.ok(server.bytesSent < DEFAULT_CAP + SOCKET_SLACK, `read at most the cap: the server sent ${server.bytesSent} bytes`);
    });
  }
});

describe('CLI limits from the environment', { timeout: 60_000 }, () => {
  test("login's pre-check counts toward --timeout: it gets what is left, not 30 s", async (t) => {
    const server = await hostile(t, 'silent');
    const result = await run(t, server, { args: ['login', '--no-browser', '--timeout', '1'] });
    assertGaveUp(result, server, /^error: GET \/oauth\/authorize at http:\/\/127\.0\.0\.1:\d+ got no complete answer within (\d+ ms|1 s)\./m);
  });

  test('Ctrl-C during the authorize-URL check ends login at once: exit 130, nothing stored', async (t) => {
    const server = await hostile(t, 'silent');
    const cli = await sandboxFor(t, server, { args: [] });
    const login = cli.start(['login', '--no-browser'], { input: '' }); // default limits: the check could wait 30 s
    await until(() => server.connections > 0, 'the authorize-URL check to connect');
    login.child.kill('SIGINT');
    const result = await login.done;
    assert.equal(result.code, 130, result.stderr);
    assert.match(result.stderr, /Login cancelled; nothing was stored\./);
  });

  test('STRAVA_AUTH_MAX_RESPONSE_MB sets the cap', async (t) => {
    const server = await hostile(t, 'endless');
    const result = await run(t, server, COMMANDS['api /athlete']!, { STRAVA_AUTH_MAX_RESPONSE_MB: '0.5' });
    assertGaveUp(result, server, /answered with more than 0\.5 MB; stopped reading\./);
  });

  test('a limit that is not a positive number is a usage error, before anything is sent', async (t) => {
    const server = await hostile(t, 'silent');
    const c = COMMANDS['api /athlete']!;
    for (const env of [{ STRAVA_AUTH_TIMEOUT: '0' }, { STRAVA_AUTH_TIMEOUT: 'soon' }, { STRAVA_AUTH_MAX_RESPONSE_MB: '-1' }]) {
      const cli = await fakeCli(t, serverEnv(server, env)); // a usage error: in-process
      await logIn(cli.configDir, c);
      const result = await cli.run(c.args);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /^error: STRAVA_AUTH_(TIMEOUT takes a positive number of seconds|MAX_RESPONSE_MB takes a positive number of megabytes); got "/);
    }
    assert.equal(server.connections, 0);
  });

  test('logout on an unreachable Strava keeps the tokens and does not try the legacy endpoint', async (t) => {
    const server = await hostile(t, 'stall-body');
    const result = await run(t, server, COMMANDS.logout!, { STRAVA_AUTH_TIMEOUT: '0.3' });
    assert.equal(result.code, 6, result.stderr);
    assert.match(result.stderr, /so the tokens are kept/);
    assert.deepEqual(new Set(server.requests.map((r) => r.url)), new Set(['/oauth/revoke']));
  });
});

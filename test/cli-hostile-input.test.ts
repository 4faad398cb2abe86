/**
 * The CLI (in-process, fake IO) against hostile input: names and values from a server carrying terminal escape
 * sequences, profile names, scopes, ports and API paths that must be refused before anything is
 * sent, and files holding secrets that others can read or that are corrupt.
 */
import assert from 'node:assert/strict';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { startTestEmulator } from './helpers/emulator.ts';
import { fakeCli, type FakeRun } from './helpers/fake-io.ts';
import { startHostileServer } from './fixtures/hostile-server.ts';

/** What a terminal would obey: ESC, BEL, C1 controls, bidi overrides. */
const TERMINAL_CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

async function setup(t: TestContext) {
  const emu = await startTestEmulator(t);
  const cli = await fakeCli(t, { STRAVA_BASE_URL: emu.url, STRAVA_CLIENT_ID: String(emu.clientId), STRAVA_CLIENT_SECRET: emu.clientSecret });
  return { emu, cli };
}

/** Nothing at all reached the emulator. */
function assertNothingSent(emu: Awaited<ReturnType<typeof startTestEmulator>>, what: string): void {
  assert.deepEqual(emu.stats().calls, {}, `${what}: the emulator saw a request`);
}

function assertUsage(result: FakeRun, message: RegExp, what: string): void {
  assert.equal(result.code, 2, `${what}: ${result.stderr}`);
  assert.match(result.stderr, message, what);
}

describe('server text is escaped before it reaches the terminal', { timeout: 60_000 }, () => {
  test('an athlete name with ESC/BEL sequences and a bidi override: login, status and logout show them escaped', async (t) => {
    const { emu, cli } = await setup(t);
    emu.addAthlete({ id: 7, firstname: 'Evil\x1b]0;pwned\x07', lastname: '\x1b[31mRed\u202eeman' });
    emu.setConsent({ policy: 'approve', athleteId: 7 });
    const login = await cli.run(['login']);
    assert.equal(login.code, 0, login.stderr);
    assert.match(login.stderr, /Logged in as Evil\\x1b\]0;pwned\\x07 \\x1b\[31mRed\\u202eeman \(athlete 7\)/);
    const status = await cli.run(['status']);
    assert.match(status.stdout, /Athlete: +Evil\\x1b\]0;pwned\\x07 \\x1b\[31mRed\\u202eeman \(athlete 7\)/);
    // --json keeps the name as data: JSON escapes the controls itself.
    assert.equal(JSON.parse((await cli.run(['status', '--json'])).stdout).athlete.firstname, 'Evil\x1b]0;pwned\x07');
    const logout = await cli.run(['logout']);
    assert.match(logout.stderr, /Logged out Evil\\x1b/);
    for (const [what, result] of Object.entries({ login, status, logout })) {
      assert.doesNotMatch(result.stdout + result.stderr, TERMINAL_CONTROLS, what);
    }
  });

  test('an error= value with escape sequences in the callback is shown escaped', async (t) => {
    const { cli } = await setup(t);
    const run = cli.start(['login', '--no-browser']);
    const stderr = await run.waitForStderr(/paste the address/);
    const authorize = new URL(/^\s+(http\S+)$/m.exec(stderr)![1]!);
    const callback = new URL(authorize.searchParams.get('redirect_uri')!);
    callback.search = new URLSearchParams({ state: authorize.searchParams.get('state')!, error: 'server_error\x1b]0;pwned\x07\x1b[2J\nerror: a fake line' }).toString();
    run.stdin.end(`${callback}\n`);
    const result = await run.done;
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /error: Strava sent the athlete back with the error "server_error\\x1b\]0;pwned\\x07\\x1b\[2J\\x0aerror: a fake line"/);
    assert.doesNotMatch(result.stderr, /^error: a fake line/m, 'a newline from the server does not start a line of its own');
    assert.doesNotMatch(result.stdout + result.stderr, TERMINAL_CONTROLS);
  });
});

describe('input is checked up front: exit 2 and nothing sent', { timeout: 60_000 }, () => {
  test('a profile name the store would refuse (--profile, -p, STRAVA_PROFILE): exit 2 before the login starts', async (t) => {
    const { emu, cli } = await setup(t);
    emu.setConsent({ policy: 'approve' });
    let opened = 0;
    const deps = { openBrowser: async () => (opened++, false) };
    const cases: Array<[string[], NodeJS.ProcessEnv]> = [
      [['login', '--profile', 'Work'], {}],
      [['login', '-p', 'Work'], {}],
      [['login'], { STRAVA_PROFILE: 'Work' }],
      [['login', '--profile', '../etc'], {}],
      [['token', '--profile', 'Work'], {}],
      [['exchange', 'abc123', '--profile', '.hidden'], {}],
    ];
    for (const [args, env] of cases) {
      const result = await cli.run(args, { env, deps });
      assertUsage(result, /is not a valid profile name\. Use 1 to 64 characters: lowercase letters, digits, "\.", "_" and "-", starting with a letter or digit \(e\.g\. "default", "work"/, args.join(' '));
    }
    assert.match((await cli.run(['login'], { env: { STRAVA_PROFILE: 'Work' }, deps })).stderr, /"Work" \(from STRAVA_PROFILE\)/);
    assertNothingSent(emu, 'bad profile names');
    assert.equal(opened, 0, 'no browser was opened');
  });

  test('scopes and ports are checked before the login starts', async (t) => {
    const { emu, cli } = await setup(t);
    const cases: Array<[string[], RegExp]> = [
      [['login', '--scope', 'read,activity:nuke'], /--scope: Unknown Strava scope: "activity:nuke"\. Valid scopes are .* For example: --scope read,activity:read_all/],
      [['url', '--redirect-uri', 'http://localhost/cb', '--scope', 'bogus'], /--scope: Unknown Strava scope: "bogus"/],
      [['exchange', 'abc123', '--scope', 'bogus'], /--scope: Unknown Strava scope: "bogus"/],
      [['login', '--port', '99999'], /--port takes a port number from 0 \(any free port\) to 65535, e\.g\. --port 8080; got "99999"/],
      [['login', '--port', '1e3'], /--port takes a port number/],
      [['login', '--port', '0x50'], /--port takes a port number/],
      [['login', '--port', ''], /--port takes a port number/],
      [['login', '--timeout', 'Infinity'], /--timeout takes a number of seconds, more than 0 and at most 86400/],
      [['login', '--timeout=-5'], /--timeout takes a number of seconds/],
    ];
    for (const [args, message] of cases) assertUsage(await cli.run(args), message, args.join(' '));
    assertNothingSent(emu, 'bad flags');
  });

  test('api refuses paths that climb out of the API base, plain or percent-encoded; the token goes nowhere', async (t) => {
    const { emu, cli } = await setup(t);
    emu.setConsent({ policy: 'approve' });
    assert.equal((await cli.run(['login'])).code, 0);
    const echo = await startHostileServer({ mode: 'echo' });
    t.after(() => echo.close());
    const paths = ['/../../x', '/athlete/../../../oauth/token', '/%2e%2e/%2e%2e/x', '/%2E%2E/x', '/.%2e/x', '/%2e./x', '/%252e%252e/x', '/athlete/..%2f..%2fx', '/a\\..\\..\\x'];
    for (const path of paths) {
      for (const args of [['api', path], ['api', 'DELETE', path], ['api', path, '--paginate']]) {
        const result = await cli.run(args, { env: { STRAVA_BASE_URL: echo.url } });
        assertUsage(result, /Refusing PATH .*: it has a "\.\." segment \(perhaps percent-encoded, like %2e%2e\).* e\.g\. \/athlete\/activities/, args.join(' '));
      }
    }
    assert.equal(echo.requests.length, 0, 'no request was sent');
    // A normal path still goes out (to the echo server, which refuses it).
    await cli.run(['api', '/athlete/activities'], { env: { STRAVA_BASE_URL: echo.url } });
    assert.equal(echo.requests.at(-1)?.url, '/api/v3/athlete/activities');
  });
});

describe('files holding secrets', { timeout: 60_000 }, () => {
  test('a profile file and a .env others can read get the token files\' warning and chmod fix', async (t) => {
    const { emu, cli } = await setup(t);
    emu.setConsent({ policy: 'approve' });
    assert.equal((await cli.run(['login'])).code, 0);
    const profile = join(cli.configDir, 'profiles', 'default.json');
    await writeFile(profile, JSON.stringify({ clientId: String(emu.clientId), clientSecret: emu.clientSecret }));
    await chmod(profile, 0o644);
    const status = await cli.run(['status']);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stderr, new RegExp(`warning: strava-auth: the file ${profile} is accessible by other users \\(mode 644\\) and holds the Strava client settings \\(possibly the client secret\\)\\. Fix it with: chmod 600 ${profile}`));

    const env = join(cli.home, '.env');
    await writeFile(env, `STRAVA_CLIENT_SECRET=${emu.clientSecret}\n`);
    await chmod(env, 0o644);
    await chmod(profile, 0o600);
    const refresh = await cli.run(['refresh'], { env: { STRAVA_CLIENT_SECRET: '' } });
    assert.equal(refresh.code, 0, refresh.stderr);
    assert.match(refresh.stderr, new RegExp(`warning: strava-auth: the file ${env} is accessible by other users \\(mode 644\\) and holds the Strava client secret\\. Fix it with: chmod 600 ${env}`));
    assert.doesNotMatch(refresh.stderr, /profiles/, 'the profile, now 0600, is not warned about');

    // A .env without the secret is not our business.
    await writeFile(env, 'OTHER=1\n');
    assert.doesNotMatch((await cli.run(['refresh'])).stderr, /warning/);
  });

  test('a corrupt profile file: the error says where, never what is in it', async (t) => {
    const { cli } = await setup(t);
    const dir = join(cli.configDir, 'profiles');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'default.json'), '{"clientSecret": "s3cr3t-from-the-profile-file", oops', { mode: 0o600 });
    const status = await cli.run(['status']);
    assert.equal(status.code, 2, 'a file the user fixes: an input error');
    assert.match(status.stderr, /The profile file .*default\.json is not valid: not valid JSON \(line 1, column \d+\)\./);
    assert.doesNotMatch(status.stdout + status.stderr, /s3cr3t|clientSecret|oops/);
  });
});

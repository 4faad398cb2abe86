import assert from 'node:assert/strict';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { ManualClock } from '../src/core/clock.ts';
import type { Emulator } from '../src/emulator/index.ts';
import { FileStore } from '../src/node/file-store.ts';
import { cliSandbox } from './helpers/cli.ts';
import { startTestEmulator } from './helpers/emulator.ts';
import { fakeCli } from './helpers/fake-io.ts';
import { rawExchange } from './helpers/raw-http.ts';

/** The environment that points a CLI at the test emulator with its app's credentials. */
function appEnv(emu: Emulator): NodeJS.ProcessEnv {
  return { STRAVA_BASE_URL: emu.url, STRAVA_CLIENT_ID: String(emu.clientId), STRAVA_CLIENT_SECRET: emu.clientSecret };
}

/**
 * An emulator in the test process, and the real CLI (child processes) pointed at it, with the
 * browser-athlete fixture as $BROWSER: for what needs the real process or the real browser.
 */
async function setup(t: TestContext, env: NodeJS.ProcessEnv = {}, clock?: ManualClock) {
  const emu = await startTestEmulator(t, clock ? { clock } : {});
  const cli = await cliSandbox(t, { ...appEnv(emu), ...env });
  return { emu, cli };
}

/**
 * The same, run in-process with fake IO; the emulator's consent page approves at once (what the
 * $BROWSER athlete does by a click), and the fake browser follows it to the loopback callback.
 */
async function inProcess(t: TestContext, env: NodeJS.ProcessEnv = {}, clock?: ManualClock) {
  const emu = await startTestEmulator(t, clock ? { clock } : {});
  emu.setConsent({ policy: 'approve' });
  const cli = await fakeCli(t, { ...appEnv(emu), ...env });
  return { emu, cli };
}

async function introspect(emu: Emulator, token: string): Promise<number> {
  return (await fetch(`${emu.url}/_emulator/introspect`, { headers: { authorization: `Bearer ${token}` } })).status;
}

const NO_ESCAPES = /\x1b\[/;

/** The loopback redirect URI inside the authorize URL that `login --no-browser` prints. */
function loopbackOf(stderr: string): URL {
  const url = new URL(/^\s+(http\S+)$/m.exec(stderr)![1]!);
  return new URL(url.searchParams.get('redirect_uri')!);
}

describe('strava-auth login', () => {
  test('approve: tokens stored 0600 in a 0700 dir, who and which scopes printed, the token works', async (t) => {
    const { emu, cli } = await setup(t);
    const login = await cli.run(['login', '--scope', 'activity:write,activity:read_all']);
    assert.equal(login.code, 0, login.stderr);
    assert.match(login.stderr, /✓ Logged in as Marta Lindqvist \(athlete 1\) on profile "default"\./);
    assert.match(login.stderr, /Granted scopes: read, activity:read_all, activity:write/);
    assert.doesNotMatch(login.stderr + login.stdout, NO_ESCAPES, 'no colours off a TTY');
    assert.doesNotMatch(login.stderr + login.stdout, new RegExp(emu.clientSecret));
    const steps = await cli.athleteSteps();
    assert.deepEqual(steps.map((s) => s.step), ['opened', 'consent', 'answered', 'callback']);
    assert.match(String(steps.at(-1)!.body), /You are logged in/);
    assert.equal(emu.stats().grants.authorization_code, 1);

    const file = join(cli.configDir, 'tokens', 'default.json');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.equal((await stat(join(cli.configDir, 'tokens'))).mode & 0o777, 0o700);
    assert.equal((await stat(cli.configDir)).mode & 0o777, 0o700);

    const token = await cli.run(['token']);
    assert.equal(token.code, 0, token.stderr);
    assert.match(token.stdout, /^[0-9a-f]{40}\n$/);
    assert.equal(token.stderr, '');
    assert.equal(await introspect(emu, token.stdout.trim()), 200);

    const status = await cli.run(['status', '--json']);
    assert.equal(status.code, 0);
    const json = JSON.parse(status.stdout);
    assert.deepEqual(json.scopes, ['read', 'activity:read_all', 'activity:write']);
    assert.equal(json.athlete.id, 1);
    assert.equal(json.refreshToken.valid, true);
    assert.doesNotMatch(status.stdout, new RegExp(token.stdout.trim()), 'status never prints a token');
  });

  test('an unticked scope: tokens stored as granted, what fails and the fix explained, exit 4', async (t) => {
    const { cli } = await setup(t, { ATHLETE_UNTICK: 'activity:write' });
    const login = await cli.run(['login', '--scope', 'activity:write,activity:read_all']);
    assert.equal(login.code, 4, login.stderr);
    assert.match(login.stderr, /The athlete did not grant activity:write/);
    assert.match(login.stderr, /Without activity:write these calls fail: POST \/activities, PUT \/activities\/\{id\}, POST \/uploads, GET \/uploads\/\{id\}\./);
    assert.match(login.stderr, /To grant it, run: strava-auth login --scope read,activity:read_all,activity:write --force/);
    const status = JSON.parse((await cli.run(['status', '--json'])).stdout);
    assert.deepEqual(status.scopes, ['read', 'activity:read_all']);
  });

  test('--force shows the consent page again after an earlier approval; auto skips it', async (t) => {
    const { cli } = await setup(t);
    const stepsOf = async (args: string[]) => {
      await rm(cli.athleteLog, { force: true });
      assert.equal((await cli.run(args)).code, 0);
      return (await cli.athleteSteps()).map((s) => s.step);
    };
    assert.deepEqual(await stepsOf(['login']), ['opened', 'consent', 'answered', 'callback']);
    assert.deepEqual(await stepsOf(['login']), ['opened', 'callback'], 'approval_prompt=auto skipped the page');
    assert.deepEqual(await stepsOf(['login', '--force']), ['opened', 'consent', 'answered', 'callback']);
  });

  test('denied consent: one sentence, exit 3, nothing stored', async (t) => {
    const { cli } = await setup(t, { ATHLETE_DECISION: 'deny' });
    const login = await cli.run(['login']);
    assert.equal(login.code, 3);
    assert.match(login.stderr, /error: The athlete declined the authorization on Strava's consent page\. Run the login again and press "Authorize" to grant access\./);
    const steps = await cli.athleteSteps();
    assert.match(String(steps.at(-1)!.body), /Login failed/);
    assert.equal((await cli.run(['status'])).code, 3);
  });

  test('a forged state is refused and the real login still completes', async (t) => {
    const { emu, cli } = await setup(t, { ATHLETE_FORGE: '1' });
    const login = await cli.run(['login']);
    assert.equal(login.code, 0, login.stderr);
    assert.match(login.stderr, /ignored a callback whose state does not match this login/);
    const [forged] = (await cli.athleteSteps()).filter((s) => s.step === 'forged');
    assert.equal(forged!.status, 400);
    assert.match(String(forged!.body), /does not match/);
    assert.equal(emu.stats().grants.authorization_code, 1, 'the attacker code was never exchanged');
    assert.equal(emu.stats().rejectedCodes, 0);
  });

  test('a second login replaces the first', async (t) => {
    const { emu, cli } = await inProcess(t);
    emu.setConsent({ policy: 'approve', athleteId: 1 });
    assert.equal((await cli.run(['login'])).code, 0);
    const first = (await cli.run(['token'])).stdout.trim();
    emu.setConsent({ policy: 'approve', athleteId: 2 });
    const second = await cli.run(['login']);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /Replaced the previous login of profile "default" \(athlete 1\)/);
    const status = JSON.parse((await cli.run(['status', '--json'])).stdout);
    assert.equal(status.athlete.id, 2);
    assert.notEqual((await cli.run(['token'])).stdout.trim(), first);
  });

  test('--no-browser prints the URL and takes the pasted address', async (t) => {
    const { cli } = await inProcess(t);
    let opened = 0;
    const run = cli.start(['login', '--no-browser'], { deps: { openBrowser: async () => (opened++, true) } });
    const stderr = await run.waitForStderr(/paste the address/);
    const url = /^\s+(http\S+)$/m.exec(stderr)![1]!;
    // The person opens the URL elsewhere and copies the address the browser lands on.
    const landed = (await fetch(url, { redirect: 'manual' })).headers.get('location')!;
    run.stdin.end(`${landed}\n`);
    const result = await run.done;
    assert.equal(result.code, 0, result.stderr);
    assert.equal(opened, 0, 'no browser was opened');
    assert.match(result.stderr, /Granted scopes: read, activity:read_all$/m);
  });

  test('malformed requests to the loopback port are refused and the login still completes (issue 9: GET // ended it)', async (t) => {
    const { cli } = await inProcess(t);
    const run = cli.start(['login', '--no-browser']);
    let ended = false;
    void run.done.finally(() => (ended = true));
    const stderr = await run.waitForStderr(/paste the address/);
    const port = Number(loopbackOf(stderr).port);
    assert.equal((await rawExchange(port, `GET // HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`)).status, 400);
    assert.equal((await rawExchange(port, `GET /callback?code=x&state=y HTTP/1.1\r\nHost: rebound.example:${port}\r\n\r\n`)).status, 421);
    assert.equal((await rawExchange(port, 'GET /callback?code=%zz HTTP/1.1\r\n\r\n')).status, 400);
    assert.equal(ended, false, 'login is still waiting');
    const url = /^\s+(http\S+)$/m.exec(stderr)![1]!;
    const landed = (await fetch(url, { redirect: 'manual' })).headers.get('location')!;
    const callback = await fetch(landed);
    assert.equal(callback.status, 200);
    const result = await run.done;
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /TypeError|Invalid URL/);
  });

  test('--no-browser also takes the bare code, and says the scopes are assumed', async (t) => {
    const { cli } = await inProcess(t);
    const run = cli.start(['login', '--no-browser', '--scope', 'activity:read']);
    const stderr = await run.waitForStderr(/paste the address/);
    const url = /^\s+(http\S+)$/m.exec(stderr)![1]!;
    const code = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location')!).searchParams.get('code')!;
    run.stdin.end(`${code}\n`);
    const result = await run.done;
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /Granted scopes: read, activity:read \(assumed: a bare code does not say/);
  });

  test('a wrong client secret: one sentence, exit 7, the secret never printed', async (t) => {
    const { cli } = await inProcess(t, { STRAVA_CLIENT_SECRET: 'definitely-not-the-secret' });
    const login = await cli.run(['login']);
    assert.equal(login.code, 7);
    assert.match(login.stderr, /^error: Strava rejected the client secret\. Check the client secret: copy it again from https:\/\/www\.strava\.com\/settings\/api/m);
    assert.doesNotMatch(login.stderr + login.stdout, /definitely-not-the-secret/);
  });

  test('an unknown client id is reported at once, not waited on', async (t) => {
    const { emu, cli } = await inProcess(t, { STRAVA_CLIENT_ID: '999999' });
    let opened = 0;
    const login = await cli.run(['login'], { deps: { openBrowser: async () => (opened++, true) } });
    assert.equal(login.code, 7);
    assert.match(login.stderr, /^error: Strava does not know this client id\./m);
    assert.equal(opened, 0, 'no browser was opened');
    assert.equal(emu.stats().grants.authorization_code, 0);
  });

  test('no credentials off a terminal: says where to put them and how to try the emulator', async (t) => {
    const { cli } = await inProcess(t, { STRAVA_CLIENT_ID: '', STRAVA_CLIENT_SECRET: '' });
    const login = await cli.run(['login']);
    assert.equal(login.code, 2, 'missing credentials are an input error');
    assert.match(login.stderr, /No Strava client id \(STRAVA_CLIENT_ID\) is configured \(looked in the environment, \S+\/\.env, the profile file \S+\/profiles\/default\.json\)\..*saves them in the profile.*strava-auth login --emulator/);
  });

  test('credentials from ./.env', async (t) => {
    const { emu, cli } = await inProcess(t, { STRAVA_CLIENT_ID: '', STRAVA_CLIENT_SECRET: '' });
    await writeFile(join(cli.home, '.env'), `STRAVA_CLIENT_ID=${emu.clientId}\nSTRAVA_CLIENT_SECRET="${emu.clientSecret}"\n`);
    const login = await cli.run(['login']);
    assert.equal(login.code, 0, login.stderr);
    const profile = JSON.parse(await readFile(join(cli.configDir, 'profiles', 'default.json'), 'utf8'));
    assert.equal(profile.clientId, String(emu.clientId));
    assert.equal(profile.clientSecret, undefined, 'a secret from .env is not copied into the profile');
  });

  test('Ctrl-C while waiting: exit 130, nothing stored, the port closed', async (t) => {
    const { cli } = await setup(t);
    const run = cli.start(['login', '--no-browser'], { input: '' });
    const redirect = loopbackOf(await run.waitForStderr(/Waiting for the authorization/));
    run.child.kill('SIGINT');
    const result = await run.done;
    assert.equal(result.code, 130);
    assert.match(result.stderr, /Login cancelled; nothing was stored\./);
    await assert.rejects(fetch(redirect), 'the loopback server is gone');
    assert.equal((await cli.run(['status'])).code, 3);
  });

  test('a timeout leaves nothing behind', async (t) => {
    const { cli } = await inProcess(t);
    // A browser opened on a consent page nobody answers. Long enough for the authorize-URL check
    // (inside --timeout) on a loaded machine.
    const result = await cli.run(['login', '--timeout', '2'], { deps: { openBrowser: async () => true } });
    assert.equal(result.code, 130);
    assert.match(result.stderr, /No answer from Strava's consent page within 2 seconds\./);
    assert.equal((await cli.run(['status'])).code, 3);
  });

  test('the loopback server listens on 127.0.0.1 only, on the port asked for', async (t) => {
    const { cli } = await inProcess(t);
    const controller = new AbortController();
    const run = cli.start(['login', '--no-browser', '--port', '0'], { deps: { signal: controller.signal } });
    const redirect = loopbackOf(await run.waitForStderr(/Waiting for the authorization/));
    assert.equal(redirect.hostname, '127.0.0.1');
    assert.equal(redirect.pathname, '/callback');
    controller.abort();
    assert.equal((await run.done).code, 130);
  });
});

describe('profiles', () => {
  test('two athletes side by side, chosen with --profile or STRAVA_PROFILE', async (t) => {
    const { emu, cli } = await inProcess(t);
    emu.setConsent({ policy: 'approve', athleteId: 1 });
    assert.equal((await cli.run(['login'])).code, 0);
    emu.setConsent({ policy: 'approve', athleteId: 2 });
    assert.equal((await cli.run(['login', '--profile', 'work'])).code, 0);
    assert.equal(JSON.parse((await cli.run(['status', '--json'])).stdout).athlete.id, 1);
    assert.equal(JSON.parse((await cli.run(['status', '--json', '--profile', 'work'])).stdout).athlete.id, 2);
    const viaEnv = JSON.parse((await cli.run(['status', '--json'], { env: { STRAVA_PROFILE: 'work' } })).stdout);
    assert.equal(viaEnv.athlete.id, 2);
    assert.deepEqual(viaEnv.profiles, ['default', 'work']);
    const bad = await cli.run(['status', '--profile', '../etc']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /not a valid profile name/);
  });
});

describe('strava-auth token', () => {
  test('refreshes a token about to expire, persists the rotation, then serves it from the file', async (t) => {
    // The emulator starts 5h58m in the past, so the login's token has two minutes left in real time.
    const clock = new ManualClock({ frozen: true, start: Date.now() - (21600 - 120) * 1000 });
    const { emu, cli } = await inProcess(t, {}, clock);
    assert.equal((await cli.run(['login'])).code, 0);
    const before = JSON.parse(await readFile(join(cli.configDir, 'tokens', 'default.json'), 'utf8'));
    emu.clock.advance(21600 - 120); // and now the emulator agrees that little time is left
    const first = await cli.run(['token']);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(emu.stats().grants.refresh_token, 1);
    const after = JSON.parse(await readFile(join(cli.configDir, 'tokens', 'default.json'), 'utf8'));
    assert.notEqual(JSON.stringify(after), JSON.stringify(before));
    assert.equal(await introspect(emu, first.stdout.trim()), 200);
    const second = await cli.run(['token']);
    assert.equal(second.stdout, first.stdout);
    assert.equal(emu.stats().grants.refresh_token, 1, 'a fresh token costs no refresh');
  });

  test('not logged in: exit 3 and the login command', async (t) => {
    const { cli } = await inProcess(t);
    const result = await cli.run(['token', '--profile', 'nobody']);
    assert.equal(result.code, 3);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /No Strava tokens are stored for "nobody"\. Log in first \(strava-auth login --profile nobody\)\./);
  });

  test('a refresh token Strava refuses: exit 3, tokens kept and status says so', async (t) => {
    const clock = new ManualClock({ frozen: true, start: Date.now() - (21600 - 120) * 1000 });
    const { emu, cli } = await inProcess(t, {}, clock);
    assert.equal((await cli.run(['login'])).code, 0);
    // Another client of the same grant rotates the refresh token behind the CLI's back.
    const stored = JSON.parse(await readFile(join(cli.configDir, 'tokens', 'default.json'), 'utf8'));
    emu.clock.advance(21600 - 120);
    const body = new URLSearchParams({ client_id: String(emu.clientId), client_secret: emu.clientSecret, grant_type: 'refresh_token', refresh_token: stored.tokens.refreshToken });
    assert.equal((await fetch(`${emu.url}/oauth/token`, { method: 'POST', body })).status, 200);
    const result = await cli.run(['token']);
    assert.equal(result.code, 3);
    assert.match(result.stderr, /Strava rejected the refresh token.*The athlete must log in again \(strava-auth login\)\./);
    const status = await cli.run(['status']);
    assert.equal(status.code, 3);
    assert.match(status.stdout, /Refresh:\s+refused by Strava/);
  });
  test('a record marked invalid is never served, even with an access token hours from expiry: exit 3 and why', async (t) => {
    const { emu, cli } = await inProcess(t);
    assert.equal((await cli.run(['login'])).code, 0);
    const store = new FileStore({ dir: join(cli.configDir, 'tokens'), warn: () => {} });
    const record = (await store.get('default'))!;
    assert.ok(record.tokens.expiresAt * 1000 - Date.now() > 3600_000, 'the access token has hours left');
    const reason = 'Strava rejected the refresh token (RefreshToken/refresh_token/invalid).';
    await store.set('default', { ...record, invalid: { reason, code: 'invalid_refresh_token', at: Date.now() } });
    emu.resetStats();
    const result = await cli.run(['token']);
    assert.equal(result.code, 3, result.stderr);
    assert.equal(result.stdout, '');
    assert.doesNotMatch(result.stderr, new RegExp(record.tokens.accessToken));
    assert.match(result.stderr, /Strava rejected the refresh token.*The athlete must log in again \(strava-auth login\)\./s);
    assert.deepEqual(emu.stats().calls, {}, 'nothing was asked of Strava');
  });
});

describe('strava-auth refresh, logout', () => {
  test('refresh says whether the access token changed', async (t) => {
    const { cli } = await inProcess(t);
    assert.equal((await cli.run(['login'])).code, 0);
    const result = await cli.run(['refresh', '--json']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout).accessTokenRenewed, false);
    assert.match(result.stderr, /access token unchanged \(Strava keeps it while it has over an hour left\)/);
  });

  test('logout revokes at Strava, then forgets; --local only forgets', async (t) => {
    const { emu, cli } = await inProcess(t);
    assert.equal((await cli.run(['login'])).code, 0);
    const token = (await cli.run(['token'])).stdout.trim();
    const out = await cli.run(['logout']);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stderr, /Logged out Marta Lindqvist \(athlete 1\) from profile "default": revoked at Strava\./);
    assert.equal(await introspect(emu, token), 401);
    assert.equal((await cli.run(['status'])).code, 3);

    assert.equal((await cli.run(['login', '--force'])).code, 0);
    const kept = (await cli.run(['token'])).stdout.trim();
    const local = await cli.run(['logout', '--local']);
    assert.match(local.stderr, /forgotten here only \(--local\)/);
    assert.equal(await introspect(emu, kept), 200, 'access at Strava is untouched');
    assert.equal(emu.stats().calls['POST /oauth/revoke'], 1);
  });

  test('logout when Strava cannot be reached keeps the tokens and says how to go on', async (t) => {
    const { cli } = await inProcess(t);
    assert.equal((await cli.run(['login'])).code, 0);
    const result = await cli.run(['logout'], { env: { STRAVA_BASE_URL: 'http://127.0.0.1:2' } });
    assert.equal(result.code, 6);
    assert.match(result.stderr, /tokens are kept.*strava-auth logout --local/);
    assert.match(result.stderr, /error: Could not reach http:\/\/127\.0\.0\.1:2\/oauth\/revoke: .*ECONNREFUSED/);
    assert.equal((await cli.run(['status'])).code, 0);
  });
});

describe('strava-auth url + exchange (the manual path)', () => {
  test('url prints an authorize URL; exchange checks its state once and stores the tokens', async (t) => {
    const { emu, cli } = await inProcess(t);
    const url = await cli.run(['url', '--redirect-uri', 'http://localhost:5000/strava/cb', '--scope', 'activity:write', '--json']);
    assert.equal(url.code, 0, url.stderr);
    const { url: authorize, state } = JSON.parse(url.stdout);
    assert.equal(new URL(authorize).searchParams.get('state'), state);
    emu.setConsent({ policy: 'approve' });
    const landed = (await fetch(authorize, { redirect: 'manual' })).headers.get('location')!;
    assert.ok(landed.startsWith('http://localhost:5000/strava/cb?'));

    const forged = landed.replace(`state=${state}`, 'state=forged');
    const refused = await cli.run(['exchange', forged]);
    assert.equal(refused.code, 3);
    assert.match(refused.stderr, /state does not match/);

    const ok = await cli.run(['exchange', landed]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stderr, /Granted scopes: read, activity:write/);
    const again = await cli.run(['exchange', landed]);
    assert.equal(again.code, 7, 'the code is single use');
    assert.match(again.stderr, /warning: no authorize URL from strava-auth url is pending/);
    assert.match(again.stderr, /error: Strava rejected the authorization code: it is wrong, expired, or was already used/);
  });

  test('url refuses a redirect URI outside the callback domain, in one sentence', async (t) => {
    const { cli } = await inProcess(t);
    const result = await cli.run(['url', '--redirect-uri', 'https://evil.example.com/cb']);
    assert.equal(result.code, 7);
    assert.match(result.stderr, /^error: Strava refused the redirect URI: it is not inside the app's Authorization Callback Domain\./m);
  });
});

describe('strava-auth --emulator (no Strava account)', () => {
  test('login, token, status and logout against the built-in emulator, state kept between runs', async (t) => {
    const cli = await cliSandbox(t);
    const login = await cli.run(['login', '--emulator', '--scope', 'activity:write']);
    assert.equal(login.code, 0, login.stderr);
    assert.match(login.stderr, /Logged in to the built-in emulator as/);
    assert.deepEqual((await cli.athleteSteps()).map((s) => s.step), ['opened', 'consent', 'answered', 'callback']);
    const token = await cli.run(['token']);
    assert.match(token.stdout, /^[0-9a-f]{40}\n$/);
    const status = await cli.run(['status']);
    assert.match(status.stdout, /Strava:\s+built-in emulator/);
    const refresh = await cli.run(['refresh']);
    assert.equal(refresh.code, 0, 'the emulator started in another process knows the tokens');
    const logout = await cli.run(['logout']);
    assert.equal(logout.code, 0, logout.stderr);
    assert.match(logout.stderr, /revoked at Strava/);
    const after = await cli.run(['token']);
    assert.equal(after.code, 3);
    assert.match(after.stderr, /Log in first \(strava-auth login --emulator\)\./, 'the fix logs in to the emulator again, not to Strava');
  });

  test('with no browser at all, the emulator\'s athlete approves', async (t) => {
    const cli = await fakeCli(t);
    const login = await cli.run(['login', '--emulator'], { deps: { openBrowser: async () => false } });
    assert.equal(login.code, 0, login.stderr);
    assert.match(login.stderr, /No browser to open: the emulator's demo athlete approves the consent page for you\./);
  });
});

describe('manners', () => {
  const commands = ['login', 'token', 'status', 'refresh', 'logout', 'scopes', 'url', 'exchange', 'emulator'];
  // Spawned on purpose: each command loads and answers through the real binary at least once.
  for (const name of commands) {
    test(`${name} --help`, async (t) => {
      const cli = await cliSandbox(t);
      const result = await cli.run([name, '--help']);
      assert.equal(result.code, 0);
      assert.match(result.stdout, new RegExp(`Usage: strava-auth ${name}`));
    });
  }
  test('top-level help lists every command and points to the exit codes, which help exit-codes prints', async (t) => {
    const cli = await fakeCli(t);
    const result = await cli.run(['--help']);
    assert.equal(result.code, 0);
    for (const name of commands) assert.match(result.stdout, new RegExp(`^  ${name} `, 'm'));
    assert.match(result.stdout, /^Exit codes: strava-auth help exit-codes$/m);
    const codes = await cli.run(['help', 'exit-codes']);
    assert.equal(codes.code, 0);
    assert.match(codes.stdout, /^Exit codes:\n  0 {4}success/);
  });
  test('an unknown flag or command is a usage error (exit 2)', async (t) => {
    const cli = await fakeCli(t);
    const flag = await cli.run(['token', '--bogus']);
    assert.equal(flag.code, 2);
    assert.equal(flag.stderr, 'error: unknown flag --bogus for token\nRun with --help for usage.\n');
    const command = await cli.run(['frobnicate']);
    assert.equal(command.code, 2);
    assert.match(command.stderr, /unknown command "frobnicate"/);
  });
  test('scopes and scopes --for', async (t) => {
    const cli = await fakeCli(t);
    const all = await cli.run(['scopes']);
    assert.match(all.stdout, /^ {2}activity:write {5}create manual activities and uploads/m);
    assert.match(all.stdout, /GET \/athlete\/activities\s+activity:read \(\+ activity:read_all for private\)/);
    const one = await cli.run(['scopes', '--for', 'GET /athlete/activities']);
    assert.equal(one.stdout, 'GET /athlete/activities needs activity:read\nprivate (Only You) objects also need activity:read_all\nnote: Only You activities are silently left out without activity:read_all\n');
    const json = JSON.parse((await cli.run(['scopes', '--for', 'POST /uploads', '--json'])).stdout);
    assert.deepEqual(json.needs, ['activity:write']);
  });
  test('a corrupt token file is a clear error naming the file, and is left alone', async (t) => {
    const { cli } = await inProcess(t);
    assert.equal((await cli.run(['login'])).code, 0);
    const file = join(cli.configDir, 'tokens', 'default.json');
    await writeFile(file, '{"version":1,"tokens": {"accessToken": ');
    const result = await cli.run(['token']);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, new RegExp(file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));
    assert.equal(await readFile(file, 'utf8'), '{"version":1,"tokens": {"accessToken": ');
  });
});

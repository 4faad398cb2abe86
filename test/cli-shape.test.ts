/**
 * The shape of every command, in-process with fake IO (gh's runF tests): flag errors in our
 * words with suggestions, help generated from each command's spec, `-p` before the command,
 * a secret asked for only when a refresh needs it, `login`'s wait ended by an AbortSignal, and
 * `status --json`'s one shape. Exact stdout, stderr and exit codes.
 */
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { COMMANDS, isGroup } from '../src/cli/command-table.ts';
import type { CommandSpec } from '../src/cli/flag-spec.ts';
import { helpText } from '../src/cli/help-text.ts';
import { startSpinner } from '../src/cli/style.ts';
import { ManualClock } from '../src/core/clock.ts';
import { startTestEmulator } from './helpers/emulator.ts';
import { fakeCli } from './helpers/fake-io.ts';

const USAGE = '\nRun with --help for usage.\n';

describe('usage mistakes: our words, a suggestion, exit 2, nothing on stdout', () => {
  const cases: Array<[args: string[], stderr: string]> = [
    [['login', '--scpoe', 'read'], `error: unknown flag --scpoe for login; did you mean --scope?${USAGE}`],
    [['api', '/athlete', '--pagnate'], `error: unknown flag --pagnate for api; did you mean --paginate?${USAGE}`],
    [['login', '-x'], `error: unknown flag -x for login${USAGE}`],
    [['login', '--scope'], `error: flag --scope needs a value (LIST)${USAGE}`],
    [['login', '-s', '--force'], `error: flag -s needs a value (LIST)${USAGE}`],
    [['login', '--force=yes'], `error: flag --force takes no value; got --force=yes${USAGE}`],
    [['status', 'extra'], `error: status takes no arguments; got "extra"${USAGE}`],
    [['url'], `error: url needs --redirect-uri URI, e.g. --redirect-uri http://localhost:8080/callback${USAGE}`],
    [['url', '--redirect-uri', ''], `error: url needs --redirect-uri URI, e.g. --redirect-uri http://localhost:8080/callback${USAGE}`],
    [['stauts'], 'error: unknown command "stauts"; did you mean status?\nRun strava-auth --help to see the commands.\n'],
    [['frobnicate'], 'error: unknown command "frobnicate"\nRun strava-auth --help to see the commands.\n'],
    [['tokens', 'migrat'], `error: "migrat" is not a tokens subcommand; did you mean migrate?${USAGE}`],
    [['webhooks'], `error: webhooks needs a subcommand: create, list or delete.${USAGE}`],
    [['completion', 'bsh'], `error: completion knows bash, zsh and fish, not "bsh"; did you mean bash?${USAGE}`],
    [['-p'], `error: flag -p needs a value (NAME) before the command${USAGE}`],
    [['-p', '../x', 'status'], `error: "../x" is not a valid profile name.`],
  ];
  for (const [args, stderr] of cases) {
    test(args.join(' '), async (t) => {
      const cli = await fakeCli(t);
      const result = await cli.run(args);
      assert.equal(result.code, 2);
      if (stderr.endsWith('\n')) assert.equal(result.stderr, stderr);
      else assert.ok(result.stderr.startsWith(`error: ${stderr.slice(7)}`), result.stderr);
      assert.equal(result.stdout, '');
    });
  }
  test('a misspelt scope names the one meant', async (t) => {
    const cli = await fakeCli(t);
    const result = await cli.run(['login', '--scope', 'read,activty:write']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^error: --scope: Unknown Strava scope: "activty:write"\. Did you mean activity:write\? Valid scopes are /);
  });
});

/** Every command and subcommand's spec (`serve keys` too), loaded as main loads them. */
async function allSpecs(): Promise<CommandSpec[]> {
  const specs: CommandSpec[] = [];
  for (const entry of Object.values(COMMANDS)) {
    const loaded = await entry.load();
    specs.push(loaded.spec);
    if (isGroup(loaded)) for (const load of Object.values(loaded.subcommands)) specs.push((await load()).spec);
    else for (const [, , load] of loaded.nested ?? []) specs.push(await load());
  }
  return specs;
}

describe('help', () => {
  test('bare strava-auth prints the help on stdout and exits 0', async (t) => {
    const result = await (await fakeCli(t)).run([]);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^strava-auth: Strava API tokens/);
    assert.equal(result.stderr, '');
  });

  test('every command: usage line and flag table name every flag of its spec; the exit codes are one pointer away', async (t) => {
    const cli = await fakeCli(t);
    for (const spec of await allSpecs()) {
      const result = await cli.run([...spec.name.split(' '), '--help']);
      assert.equal(result.code, 0, spec.name);
      assert.equal(result.stdout, helpText(spec));
      const [usage = ''] = result.stdout.split('\n');
      assert.ok(usage.startsWith(`Usage: strava-auth ${spec.name}`), usage);
      for (const [name, flag] of Object.entries(spec.flags)) {
        assert.ok(usage.includes(`--${name}`), `${spec.name}: usage line lacks --${name}`);
        const row = new RegExp(`^  ${flag.short ? `-${flag.short}, ` : '    '}--${name}${flag.type === 'string' ? ' \\S+' : ''}\\s+\\S`, 'm');
        assert.match(result.stdout, row, `${spec.name}: flag table lacks --${name}`);
      }
      assert.match(result.stdout, /^ {2}-h, --help +show this help$/m);
      assert.ok(result.stdout.endsWith('Exit codes: run strava-auth help exit-codes\n'), spec.name);
      assert.doesNotMatch(result.stdout, /130 +interrupted/, `${spec.name} repeats the exit-code table`);
      assert.deepEqual(await cli.run(['help', ...spec.name.split(' ')]), result, `help ${spec.name}`);
    }
  });

  test('help exit-codes prints the table once', async (t) => {
    const result = await (await fakeCli(t)).run(['help', 'exit-codes']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^Exit codes:\n  0 {4}success\n/);
    assert.match(result.stdout, /^ {2}130 {2}interrupted/m);
  });

  test('emulator help comes from the same spec as the others', async (t) => {
    const result = await (await fakeCli(t)).run(['emulator', '--help']);
    assert.match(result.stdout, /^Usage: strava-auth emulator \[--port N\] \[--client-id ID\] .*\[--consent approve\|deny\] \[--json\]\n/);
    assert.match(result.stdout, /^ {6}--consent approve\|deny +answer the consent page at once/m);
  });
});

/** A fake CLI whose profile (or `profile`) is logged in to a test emulator with the app's credentials in the environment. */
async function loggedIn(t: TestContext, profile?: string) {
  const emu = await startTestEmulator(t);
  emu.setConsent({ policy: 'approve' });
  const app = { STRAVA_BASE_URL: emu.url, STRAVA_CLIENT_ID: String(emu.clientId), STRAVA_CLIENT_SECRET: emu.clientSecret };
  const cli = await fakeCli(t, { STRAVA_BASE_URL: emu.url });
  // The "browser" follows the consent page's redirect to the loopback callback.
  const openBrowser = async (url: string) => (void fetch(url).catch(() => {}), true);
  const login = await cli.run(['login', ...(profile ? ['--profile', profile] : [])], { env: app, deps: { openBrowser } });
  assert.equal(login.code, 0, login.stderr);
  return { emu, cli, login, app };
}

describe('a secret only when needed', () => {
  test('a login with exported variables says how the next shell refreshes', async (t) => {
    const { login } = await loggedIn(t);
    assert.match(
      login.stderr,
      /^ {2}The client secret came from STRAVA_CLIENT_SECRET and was not saved: the token works anywhere until it expires, but refreshing it needs STRAVA_CLIENT_SECRET exported in that shell too/m,
    );
  });

  test('a new shell without the secret: api, token and logout --local work while the token is valid', async (t) => {
    const { cli } = await loggedIn(t);
    const athlete = await cli.run(['api', '/athlete']);
    assert.equal(athlete.code, 0, athlete.stderr);
    assert.match(athlete.stdout, /^\{"id":1,/);
    assert.equal(athlete.stderr, '');
    const token = await cli.run(['token']);
    assert.equal(token.code, 0, token.stderr);
    assert.match(token.stdout, /^\w+\n$/);
    const logout = await cli.run(['logout', '--local']);
    assert.equal(logout.code, 0, logout.stderr);
    assert.match(logout.stderr, /Logged out .* forgotten here only \(--local\)\.\n$/);
  });

  test('url needs only the client id', async (t) => {
    const emu = await startTestEmulator(t);
    const cli = await fakeCli(t, { STRAVA_BASE_URL: emu.url, STRAVA_CLIENT_ID: String(emu.clientId) });
    const result = await cli.run(['url', '--redirect-uri', 'http://localhost:5000/cb']);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(result.stdout.startsWith(`${emu.url}/oauth/authorize?client_id=${emu.clientId}&`), result.stdout);
    assert.equal(result.stderr, "Then: strava-auth exchange '<the address you land on>'\n");
  });

  test('a refresh without the secret says where it was looked for and how to keep it', async (t) => {
    const { cli } = await loggedIn(t);
    const later = new ManualClock();
    later.advance(6 * 3600); // the access token has expired: a refresh is due
    const result = await cli.run(['api', '/athlete'], { deps: { clock: later } });
    assert.notEqual(result.code, 0);
    assert.equal(result.stdout, '');
    const profileFile = join(cli.configDir, 'profiles', 'default.json');
    assert.equal(
      result.stderr,
      `error: No Strava client secret (STRAVA_CLIENT_SECRET) is configured, and refreshing the token needs it (looked in the environment, ${join(cli.home, '.env')}, the profile file ${profileFile}). ` +
        'Set STRAVA_CLIENT_ID and STRAVA_CLIENT_SECRET (export them in your shell profile, or put them in ./.env), or run strava-auth login in a terminal, which asks for them and saves them in the profile (mode 0600). ' +
        'Your API application is on https://www.strava.com/settings/api; to try strava-auth without a Strava account: strava-auth login --emulator\n',
    );
  });
});

describe('commands against the emulator, in-process', () => {
  test('logout revokes at Strava with the secret, and without it says what it needs', async (t) => {
    const { cli, app, emu } = await loggedIn(t);
    const refused = await cli.run(['logout']);
    assert.equal(refused.stdout, '');
    assert.match(refused.stderr, /^error: No Strava client secret \(STRAVA_CLIENT_SECRET\) is configured, and revoking access at Strava needs it \(looked in the environment, /);
    assert.equal((await cli.run(['status'])).code, 0, 'the tokens are kept');
    const done = await cli.run(['logout'], { env: app });
    assert.equal(done.code, 0, done.stderr);
    assert.equal(done.stdout, '');
    assert.equal(done.stderr, '✓ Logged out Marta Lindqvist (athlete 1) from profile "default": revoked at Strava.\n');
    assert.equal(emu.stats().calls['POST /oauth/revoke'], 1);
  });

  test('refresh --json: one JSON line on stdout, a sentence on stderr', async (t) => {
    const { cli, app } = await loggedIn(t);
    const result = await cli.run(['refresh', '--json'], { env: app });
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout);
    assert.deepEqual(Object.keys(json), ['profile', 'expiresAt', 'accessTokenRenewed', 'refreshTokenRotated']);
    assert.equal(json.profile, 'default');
    assert.match(result.stderr, /^✓ Refreshed profile "default": access token (renewed|unchanged .*), expires in .*; refresh token (rotated and saved|unchanged)\.\n$/);
  });

  test('scopes --for: exact lines', async (t) => {
    const result = await (await fakeCli(t)).run(['scopes', '--for', 'POST /uploads']);
    assert.deepEqual(result, { code: 0, stdout: 'POST /uploads needs activity:write\n', stderr: '' });
  });
});

describe('profiles and status', () => {
  test('-p NAME before the command picks the profile', async (t) => {
    const { cli } = await loggedIn(t, 'work');
    const status = await cli.run(['-p', 'work', 'status', '--json']);
    assert.equal(status.code, 0, status.stderr);
    const json = JSON.parse(status.stdout);
    assert.equal(json.profile, 'work');
    assert.deepEqual(json.strava, { kind: 'custom', url: JSON.parse(status.stdout).strava.url });
    assert.match(json.strava.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal((await cli.run(['--profile=work', 'token'])).code, 0);
    const none = await cli.run(['status']);
    assert.equal(none.code, 3);
    assert.equal(none.stderr, 'error: No Strava tokens are stored for "default". Log in first (strava-auth login).\n');
  });

  test('status --json: the built-in emulator in the same shape', async (t) => {
    const cli = await fakeCli(t);
    const login = await cli.run(['login', '--emulator']);
    assert.equal(login.code, 0, login.stderr);
    const json = JSON.parse((await cli.run(['status', '--json'])).stdout);
    assert.deepEqual(json.strava, { kind: 'emulator', url: null, statePath: join(cli.configDir, 'emulator', 'state.json') });
    assert.equal(json.emulator, true);
  });
});

describe("login's wait", () => {
  test('an abort (Ctrl-C) ends it: the server closes and nothing is stored', async (t) => {
    const emu = await startTestEmulator(t);
    const cli = await fakeCli(t, { STRAVA_BASE_URL: emu.url, STRAVA_CLIENT_ID: String(emu.clientId), STRAVA_CLIENT_SECRET: emu.clientSecret });
    const controller = new AbortController();
    let callback: string | undefined;
    const openBrowser = async (url: string) => {
      callback = new URL(url).searchParams.get('redirect_uri') ?? undefined;
      queueMicrotask(() => controller.abort());
      return true;
    };
    const result = await cli.run(['login'], { deps: { openBrowser, signal: controller.signal } });
    assert.equal(result.code, 130);
    assert.equal(result.stdout, '');
    assert.ok(result.stderr.endsWith('\nLogin cancelled; nothing was stored.\n'), result.stderr);
    await assert.rejects(readdir(join(cli.configDir, 'tokens')), { code: 'ENOENT' });
    await assert.rejects(fetch(callback!), 'the callback server is closed');
  });

  test('--timeout ends it with the timeout error (exit 130)', async (t) => {
    const emu = await startTestEmulator(t);
    const cli = await fakeCli(t, { STRAVA_BASE_URL: emu.url, STRAVA_CLIENT_ID: String(emu.clientId), STRAVA_CLIENT_SECRET: emu.clientSecret });
    const result = await cli.run(['login', '--timeout', '0.2'], { deps: { openBrowser: async () => true } });
    assert.equal(result.code, 130);
    assert.match(result.stderr, /error: No answer from Strava's consent page within 0\.2 seconds\./);
  });
});

test('the spinner: a TTY spins, NO_COLOR prints the message once', () => {
  const written: string[] = [];
  const io = { stdout: process.stdout, stdin: process.stdin, cwd: '/', stderr: { isTTY: true, write: (text: string) => written.push(text) } } as never;
  startSpinner({ ...(io as object), env: { NO_COLOR: '1' } } as never, 'Waiting').stop();
  assert.deepEqual(written, ['Waiting\n']);
  written.length = 0;
  startSpinner({ ...(io as object), env: {} } as never, 'Waiting').stop();
  assert.deepEqual(written, ['\r⠋ Waiting', '\r\x1b[2K']);
});


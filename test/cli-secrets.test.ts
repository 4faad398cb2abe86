/**
 * The real CLI, logged in against the emulator, then pointed (STRAVA_BASE_URL) at a server that
 * echoes every request into its error JSON: whatever the command, no secret reaches stdout or
 * stderr, with or without --json. And a password in STRAVA_BASE_URL is never printed.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { cliSandbox, type CliResult } from './helpers/cli.ts';
import { startTestEmulator } from './helpers/emulator.ts';
import { startHostileServer } from './fixtures/hostile-server.ts';
import { assertNoSecret } from './helpers/secrets.ts';

const CLIENT_ID = 31337;
// Characters that change under URL, form and JSON encoding.
const CLIENT_SECRET = 'emu+secret/with=odd&chars-é';
const CODE = 'c0de+from/the-test-é1234'; // no '=': exchange would read it as an address
const PASSWORD = 'Pa55w0rd-in-the-url';

/** Logged in on the emulator; then every call can go to the echo server instead. */
async function setup(t: TestContext) {
  const emu = await startTestEmulator(t, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  const echo = await startHostileServer({ mode: 'echo' });
  t.after(() => echo.close());
  const cli = await cliSandbox(t, { STRAVA_CLIENT_ID: String(CLIENT_ID), STRAVA_CLIENT_SECRET: CLIENT_SECRET });
  emu.setConsent({ policy: 'approve' });
  const login = await cli.run(['login'], { env: { STRAVA_BASE_URL: emu.url } });
  assert.equal(login.code, 0, login.stderr);
  const { tokens } = JSON.parse(await readFile(join(cli.configDir, 'tokens', 'default.json'), 'utf8')) as { tokens: { accessToken: string; refreshToken: string } };
  const secrets = [
    CLIENT_SECRET,
    CODE,
    PASSWORD,
    tokens.accessToken,
    tokens.refreshToken,
    Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`, 'latin1').toString('base64'),
    Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64'),
  ];
  return { emu, echo, cli, secrets };
}

function assertClean(result: CliResult, what: string, secrets: readonly string[]): void {
  assertNoSecret(result.stdout, `${what}: stdout`, secrets);
  assertNoSecret(result.stderr, `${what}: stderr`, secrets);
}

describe('strava-auth output against a server that echoes secrets', { timeout: 60_000 }, () => {
  test('refresh, logout, api, exchange (with and without --json): the echo is reported, no secret printed', async (t) => {
    const { echo, cli, secrets } = await setup(t);
    const env = { STRAVA_BASE_URL: echo.url };
    const runs: Array<[string[], RegExp]> = [
      [['refresh'], /refresh_token=/],
      [['refresh', '--json'], /refresh_token=/],
      [['logout'], /authorization":"Basic /],
      [['api', '/athlete'], /authorization":"Bearer /],
      [['exchange', CODE], /code=/],
      [['exchange', CODE, '--json'], /code=/],
    ];
    for (const [args, sent] of runs) {
      const before = echo.requests.length;
      const result = await cli.run(args, { env });
      assert.notEqual(result.code, 0, `${args.join(' ')} should fail against the echo server`);
      // The test is only worth something if the server saw (and so echoed) a secret.
      const seen = echo.requests.slice(before).map((r) => `${JSON.stringify(r.headers)} ${r.body}`).join('\n');
      assert.match(seen, sent, `${args.join(' ')}: the request did not carry the secret`);
      assert.match(result.stderr, /^error: /m, args.join(' '));
      assertClean(result, args.join(' '), secrets);
    }
  });

  test('a password in STRAVA_BASE_URL is never printed: status, status --json, refresh, api', async (t) => {
    const { echo, cli, secrets } = await setup(t);
    const env = { STRAVA_BASE_URL: echo.url.replace('http://', `http://alice:${PASSWORD}@`) };
    const status = await cli.run(['status'], { env });
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /Strava: +http:\/\/\[redacted\]@127\.0\.0\.1:\d+/);
    for (const args of [['status', '--json'], ['refresh'], ['api', '/athlete'], ['logout']]) {
      const result = await cli.run(args, { env });
      assertClean(result, args.join(' '), [...secrets, `alice:${PASSWORD}`]);
    }
  });
});

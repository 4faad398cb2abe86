import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import type { EmulatorOptions } from '../src/emulator/index.ts';
import { ROOT } from './helpers/cli.ts';
import { fakeCli } from './helpers/fake-io.ts';
import { startTestEmulator } from './helpers/emulator.ts';

const UPLOADS = join(ROOT, 'test', 'fixtures', 'uploads');

/** An emulator, and a CLI logged in to it with `scope` (consent approved as asked). */
async function loggedIn(t: TestContext, scope: string, options: EmulatorOptions = {}) {
  const emu = await startTestEmulator(t, options);
  const cli = await fakeCli(t, { STRAVA_BASE_URL: emu.url, STRAVA_CLIENT_ID: String(emu.clientId), STRAVA_CLIENT_SECRET: emu.clientSecret });
  emu.setConsent({ policy: 'approve' });
  const login = await cli.run(['login', '--scope', scope]);
  assert.equal(login.code, 0, login.stderr);
  emu.resetStats();
  return { emu, cli };
}

describe('strava-auth api', () => {
  test('GET prints the JSON body, compact off a terminal', async (t) => {
    const { cli } = await loggedIn(t, 'activity:read_all');
    const result = await cli.run(['api', '/athlete']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^\{"id":1,/);
    assert.ok(result.stdout.endsWith('}\n') && !result.stdout.includes('\n  '), 'one compact line');
    const listed = JSON.parse((await cli.run(['api', 'GET', '/athlete/activities', '-f', 'per_page=3'])).stdout);
    assert.equal(listed.length, 3);
  });

  test('--paginate walks every page into one array, with progress on stderr', async (t) => {
    const { emu, cli } = await loggedIn(t, 'activity:read_all');
    const result = await cli.run(['api', '/athlete/activities', '--paginate']);
    assert.equal(result.code, 0, result.stderr);
    const all = JSON.parse(result.stdout) as Array<{ id: number }>;
    assert.equal(all.length, 600);
    assert.equal(new Set(all.map((a) => a.id)).size, 600);
    assert.match(result.stderr, /^page 1: 200 items \(200 so far\)\npage 2: 200 items \(400 so far\)\npage 3: 200 items \(600 so far\)\n$/);
    assert.equal(emu.stats().calls['GET /api/v3/athlete/activities'], 4, 'three full pages and the empty one that ends the walk');
  });

  test('a missing scope is caught before the request: one sentence, the fix, exit 4', async (t) => {
    const { emu, cli } = await loggedIn(t, 'activity:read');
    const result = await cli.run(['api', '/athlete/zones']);
    assert.equal(result.code, 4);
    assert.equal(
      result.stderr,
      "error: GET /athlete/zones needs the profile:read_all scope, but the token only has read, activity:read. Log in again asking for it and leave its box ticked on Strava's consent page: strava-auth login --scope read,profile:read_all,activity:read --force\n",
    );
    assert.equal(emu.stats().calls['GET /api/v3/athlete/zones'], undefined, 'nothing was sent');
  });

  test('an access token Strava no longer accepts: refreshed once, then exit 3 with the login command', async (t) => {
    const { emu, cli } = await loggedIn(t, 'activity:read');
    const token = (await cli.run(['token'])).stdout.trim();
    const revoke = await fetch(`${emu.url}/oauth/revoke`, {
      method: 'POST',
      headers: { authorization: `Basic ${btoa(`${emu.clientId}:${emu.clientSecret}`)}` },
      body: new URLSearchParams({ token }),
    });
    assert.equal(revoke.status, 200);
    const result = await cli.run(['api', '/athlete']);
    assert.equal(result.code, 3);
    assert.match(result.stderr, /^error: Strava rejected the refresh token.*The athlete must log in again \(strava-auth login\)\.$/m);
  });

  test('429: one sentence with the reset time, exit 5', async (t) => {
    const { emu, cli } = await loggedIn(t, 'activity:read');
    emu.faults.set({ rateLimitBurst: { count: 5 } });
    const result = await cli.run(['api', '/athlete']);
    assert.equal(result.code, 5);
    assert.match(result.stderr, /^error: Strava's 15-minute rate limit is used up\. Wait until \d{4}-\d\d-\d\dT\d\d:(00|15|30|45):00\.000Z \(the limit resets then\) and try again\. Or run it again with --wait to wait here: .*\n$/);
  });

  test('PUT sends the fields as the body; usage errors exit 2', async (t) => {
    const { cli } = await loggedIn(t, 'activity:read_all,activity:write');
    const [first] = JSON.parse((await cli.run(['api', '/athlete/activities', '-X', 'GET', '-f', 'per_page=1'])).stdout) as Array<{ id: number }>;
    const renamed = await cli.run(['api', 'PUT', `/activities/${first!.id}`, '-f', 'name=Evening Ride']);
    assert.equal(renamed.code, 0, renamed.stderr);
    assert.equal(JSON.parse(renamed.stdout).name, 'Evening Ride');
    assert.equal((await cli.run(['api', 'POST', '/athlete/activities', '--paginate'])).code, 2);
    assert.equal((await cli.run(['api', 'athlete', 'extra'])).code, 2);
    assert.equal((await cli.run(['api', '/athlete', '-f', 'novalue'])).code, 2);
  });
});

describe('strava-auth upload', () => {
  test('uploads a file, waits for processing with a progress line, prints the activity id', async (t) => {
    const { emu, cli } = await loggedIn(t, 'activity:write', { uploadProcessing: { polls: 1 } });
    const result = await cli.run(['upload', join(UPLOADS, 'morning-ride.gpx'), '--name', 'Morning Ride', '--poll-interval', '1']);
    assert.equal(result.code, 0, result.stderr);
    const id = Number(result.stdout.trim());
    assert.ok(Number.isInteger(id) && id > 0, result.stdout);
    assert.match(result.stderr, /morning-ride\.gpx: Your activity is still being processed\.\nmorning-ride\.gpx: Your activity is ready\.\n✓ Uploaded as activity \d+\.\n/);
    assert.equal(emu.stats().calls['POST /api/v3/uploads'], 1);
  });

  test('a corrupt file ends in Strava\'s error, exit 7', async (t) => {
    const { cli } = await loggedIn(t, 'activity:write', { uploadProcessing: { polls: 1 } });
    const result = await cli.run(['upload', join(UPLOADS, 'corrupt.gpx'), '--poll-interval', '1']);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /error: Strava could not process upload \d+: /);
  });

  test('without activity:write nothing is sent: exit 4 and the fix', async (t) => {
    const { emu, cli } = await loggedIn(t, 'activity:read');
    const result = await cli.run(['upload', join(UPLOADS, 'morning-ride.gpx')]);
    assert.equal(result.code, 4);
    assert.match(result.stderr, /POST \/uploads needs the activity:write scope.*strava-auth login --scope read,activity:read,activity:write --force/);
    assert.equal(emu.stats().calls['POST /api/v3/uploads'], undefined);
  });

  test('a missing file or an unknown extension is a usage error', async (t) => {
    const { cli } = await loggedIn(t, 'activity:write');
    const missing = await cli.run(['upload', join(UPLOADS, 'nope.fit')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.fit does not exist/);
    const odd = await cli.run(['upload', join(ROOT, 'package.json')]);
    assert.notEqual(odd.code, 0);
    assert.match(odd.stderr, /package\.json/);
  });
});

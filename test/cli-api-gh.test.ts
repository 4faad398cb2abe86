/**
 * `strava-auth api` at gh api's level: the CLI in-process (fake IO) against the emulator (and,
 * where the exact request matters, against a recording server on 127.0.0.1 that answers with what
 * it received, minus the Authorization header). The real CLI (child processes) where the process
 * is the point: a closed stdout pipe, and --emulator state kept between and across runs.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { ManualClock } from '../src/core/clock.ts';
import type { EmulatorOptions } from '../src/emulator/index.ts';
import { ROOT, cliSandbox } from './helpers/cli.ts';
import { startTestEmulator } from './helpers/emulator.ts';
import { fakeCli } from './helpers/fake-io.ts';

const UPLOADS = join(ROOT, 'test', 'fixtures', 'uploads');

async function loggedIn(t: TestContext, scope: string, options: EmulatorOptions = {}, env: NodeJS.ProcessEnv = {}) {
  const emu = await startTestEmulator(t, options);
  const cli = await fakeCli(t, { STRAVA_BASE_URL: emu.url, STRAVA_CLIENT_ID: String(emu.clientId), STRAVA_CLIENT_SECRET: emu.clientSecret, ...env });
  emu.setConsent({ policy: 'approve' });
  const login = await cli.run(['login', '--scope', scope]);
  assert.equal(login.code, 0, login.stderr);
  emu.resetStats();
  return { emu, cli };
}

interface Recorded {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string | null;
  header: string | null;
  body: unknown;
}

/** An API base that answers every request with what it received (never the Authorization header). */
async function recordingApi(t: TestContext): Promise<{ url: string; seen: Recorded[] }> {
  const seen: Recorded[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const contentType = req.headers['content-type'] ?? null;
      const recorded: Recorded = {
        method: req.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        contentType,
        header: (req.headers['x-trace'] as string | undefined) ?? null,
        body: text === '' ? null : contentType?.startsWith('application/json') ? JSON.parse(text) : text,
      };
      seen.push(recorded);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(recorded));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/api/v3`, seen };
}

/** A CLI logged in to the emulator whose API calls go to a recording server. */
async function recorded(t: TestContext) {
  const api = await recordingApi(t);
  const { cli } = await loggedIn(t, 'activity:read_all,activity:write', {}, { STRAVA_API_BASE_URL: api.url });
  return { cli, seen: api.seen };
}

describe('api requests as gh api builds them', () => {
  test('-f is a string, -F is typed (numbers, true/false/null, @file, k[]=v), and fields make it a POST with a JSON body', async (t) => {
    const { cli, seen } = await recorded(t);
    await writeFile(join(cli.home, 'note.txt'), 'Line one\nline two\n');
    const result = await cli.run(['api', 'activities', '-f', 'count=5', '-F', 'elapsed_time=1800', '-F', 'distance=12.5', '-F', 'trainer=true', '-F', 'commute=false', '-F', 'gear_id=null', '-F', 'id=12345678901234567890', '-F', 'description=@note.txt', '-F', 'tags[]=a', '-F', 'tags[]=b']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(seen, [
      {
        method: 'POST',
        path: '/api/v3/activities',
        query: {},
        contentType: 'application/json',
        header: null,
        body: { count: '5', elapsed_time: 1800, distance: 12.5, trainer: true, commute: false, gear_id: null, id: '12345678901234567890', description: 'Line one\nline two\n', tags: ['a', 'b'] },
      },
    ]);
  });

  test('-X GET puts the fields in the query string; -H adds a header; -F @- reads standard input', async (t) => {
    const { cli, seen } = await recorded(t);
    assert.equal((await cli.run(['api', 'athlete/activities', '-X', 'get', '-F', 'per_page=5', '-f', 'before=1700000000', '-H', 'X-Trace: abc'])).code, 0);
    const fromStdin = await cli.run(['api', 'activities/1', '-X', 'PUT', '-F', 'description=@-'], { stdin: 'from stdin' });
    assert.equal(fromStdin.code, 0, fromStdin.stderr);
    assert.deepEqual(
      seen.map((r) => [r.method, r.path, r.query, r.header, r.body]),
      [
        ['GET', '/api/v3/athlete/activities', { per_page: '5', before: '1700000000' }, 'abc', null],
        ['PUT', '/api/v3/activities/1', {}, null, { description: 'from stdin' }],
      ],
    );
  });

  test('--input sends a JSON file (or standard input) as the body; fields then go in the query string', async (t) => {
    const { cli, seen } = await recorded(t);
    await writeFile(join(cli.home, 'body.json'), '{"name":"Evening Ride","trainer":true}');
    assert.equal((await cli.run(['api', 'activities/7', '-X', 'PUT', '--input', 'body.json', '-f', 'dry=1'])).code, 0);
    assert.equal((await cli.run(['api', 'activities', '--input', '-'], { stdin: '{"name":"From stdin"}' })).code, 0);
    assert.deepEqual(
      seen.map((r) => [r.method, r.path, r.query, r.contentType, r.body]),
      [
        ['PUT', '/api/v3/activities/7', { dry: '1' }, 'application/json', { name: 'Evening Ride', trainer: true }],
        ['POST', '/api/v3/activities', {}, 'application/json', { name: 'From stdin' }],
      ],
    );
    const notJson = await cli.run(['api', 'activities', '--input', '-'], { stdin: 'name=x' });
    assert.equal(notJson.code, 2);
    assert.match(notJson.stderr, /^error: --input: standard input is not JSON/);
    assert.equal(seen.length, 2, 'nothing sent');
  });

  test('mistakes in fields and headers are usage errors, and nothing is sent', async (t) => {
    const { cli, seen } = await recorded(t);
    const cases: Array<[string[], RegExp]> = [
      [['api', 'athlete', '-H', 'Authorization: Bearer 123'], /^error: -H cannot set Authorization: strava-auth sends the profile's token itself\./],
      [['api', 'athlete', '-H', 'authorization:x'], /^error: -H cannot set Authorization/],
      [['api', 'athlete', '-H', 'no colon'], /^error: -H takes "Name: value"/],
      [['api', 'athlete', '-F', 'novalue'], /^error: -F takes key=value/],
      [['api', 'athlete', '-F', 'x=@missing.txt'], /^error: -F @missing\.txt: cannot read missing\.txt \(ENOENT\)/],
      [['api', 'athlete', '-X', 'PATCH'], /^error: -X takes GET, POST, PUT, DELETE; got "PATCH"\./],
      [['api', 'athlete', '--jq', '.['], /^error: --jq "\.\[": jq: error: syntax error/],
    ];
    for (const [args, message] of cases) {
      const result = await cli.run(args);
      assert.equal(result.code, 2, args.join(' '));
      assert.match(result.stderr, message);
    }
    assert.equal(seen.length, 0, 'nothing was sent');
  });
});

describe('api output and pages against the emulator', () => {
  test('a path without the leading slash works', async (t) => {
    const { cli } = await loggedIn(t, 'read');
    const result = await cli.run(['api', 'athlete']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).id, 1);
  });

  test('-i prints the status line and headers, a blank line, then the body', async (t) => {
    const { cli } = await loggedIn(t, 'read');
    const result = await cli.run(['api', 'athlete', '-i']);
    assert.equal(result.code, 0, result.stderr);
    const [head, body, ...rest] = result.stdout.split('\n\n');
    assert.equal(rest.length, 0);
    const lines = head!.split('\n');
    assert.equal(lines[0], 'HTTP/1.1 200 OK');
    assert.ok(lines.includes('Content-Type: application/json; charset=utf-8'), head);
    assert.ok(lines.some((line) => /^X-Ratelimit-Usage: \d+,\d+$/.test(line)), head);
    assert.ok(lines.slice(1).every((line) => /^[A-Z][A-Za-z-]*: /.test(line)), head);
    assert.equal(JSON.parse(body!).id, 1);
  });

  test('--silent prints nothing; the change is made', async (t) => {
    const { emu, cli } = await loggedIn(t, 'activity:read_all,activity:write');
    const [first] = emu.activitiesOf(1) as Array<{ id: number }>;
    const result = await cli.run(['api', `activities/${first!.id}`, '-X', 'PUT', '-f', 'name=Quiet Ride', '--silent']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '');
    assert.equal((emu.activitiesOf(1)[0] as { name: string }).name, 'Quiet Ride');
  });

  test('--jq filters one answer with a real jq: strings raw, the rest compact JSON', async (t) => {
    const { cli } = await loggedIn(t, 'activity:read_all');
    const result = await cli.run(['api', 'athlete', '--jq', '.firstname, {id, city}']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'Marta\n{"id":1,"city":"Gothenburg"}\n');
  });

  test('--paginate -f per_page=50 asks for pages of 50: 600 activities in 12 pages and the empty one', async (t) => {
    const { emu, cli } = await loggedIn(t, 'activity:read_all');
    const result = await cli.run(['api', 'athlete/activities', '--paginate', '-f', 'per_page=50']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal((JSON.parse(result.stdout) as unknown[]).length, 600);
    assert.equal(emu.stats().calls['GET /api/v3/athlete/activities'], 13);
    const expected = Array.from({ length: 12 }, (_, i) => `page ${i + 1}: 50 items (${(i + 1) * 50} so far)\n`).join('');
    assert.equal(result.stderr, expected);
  });

  test('--paginate --jq runs the filter on every page: one result stream, in order', async (t) => {
    const { emu, cli } = await loggedIn(t, 'activity:read_all');
    emu.seedActivities(1, 5);
    const ids = (emu.activitiesOf(1) as Array<{ id: number; name: string }>).map((a) => `${a.id} ${a.name}`);
    const result = await cli.run(['api', 'athlete/activities', '--paginate', '-F', 'per_page=2', '--jq', '.[] | "\\(.id) \\(.name)"']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `${ids.join('\n')}\n`);
    assert.equal(emu.stats().calls['GET /api/v3/athlete/activities'], 4, 'pages of 2, 2, 1 and the empty one');
  });

  test('a reader that closes the pipe early (| head) ends --paginate quietly, exit 0', async (t) => {
    const { emu, cli: logged } = await loggedIn(t, 'activity:read_all');
    const cli = await cliSandbox(t, logged.env); // the real process, on the same config directory
    const run = cli.start(['api', 'athlete/activities', '--paginate', '-f', 'per_page=1', '--jq', '.[].id']);
    run.child.stdout!.once('data', () => run.child.stdout!.destroy());
    const result = await run.done;
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /EPIPE|Error|error:/);
    assert.ok(emu.stats().calls['GET /api/v3/athlete/activities']! < 600, 'the walk stopped early');
  });

  test('a 429 without --wait names --wait and when the window resets; exit 5', async (t) => {
    const { emu, cli } = await loggedIn(t, 'read');
    emu.faults.set({ rateLimitBurst: { count: 1 } });
    const result = await cli.run(['api', 'athlete']);
    assert.equal(result.code, 5);
    assert.match(
      result.stderr,
      /^error: Strava's 15-minute rate limit is used up\. Wait until \S+Z \(the limit resets then\) and try again\. Or run it again with --wait to wait here: the window resets at \d\d:(00|15|30|45):00 UTC, in (\d+m \d\ds|\d+s)\.\n$/,
    );
  });
});

describe('--emulator keeps what the API changed', () => {
  test('an uploaded activity is found by the next command; ids never repeat across runs', async (t) => {
    const cli = await cliSandbox(t);
    assert.equal((await cli.run(['login', '--emulator', '--scope', 'activity:read_all,activity:write'])).code, 0);
    const upload = await cli.run(['upload', join(UPLOADS, 'morning-ride.gpx'), '--emulator', '--poll-interval', '1']);
    assert.equal(upload.code, 0, upload.stderr);
    const first = Number(upload.stdout.trim());
    const found = await cli.run(['api', `activities/${first}`, '--emulator', '--jq', '.id']);
    assert.equal(found.code, 0, found.stderr);
    assert.equal(found.stdout, `${first}\n`);
    const second = await cli.run(['upload', join(UPLOADS, 'lunch-run.tcx'), '--emulator', '--poll-interval', '1']);
    assert.equal(second.code, 0, second.stderr);
    assert.notEqual(Number(second.stdout.trim()), first);
    const again = await cli.run(['upload', join(UPLOADS, 'morning-ride.gpx'), '--emulator', '--poll-interval', '1']);
    assert.match(again.stderr, new RegExp(`duplicate of activity ${first}`), 'the file seen in an earlier run is still known');
    const created = await cli.run(['api', 'activities', '--emulator', '-f', 'name=Manual', '-f', 'sport_type=Run', '-f', 'start_date_local=2026-01-02T07:00:00', '-F', 'elapsed_time=600', '--jq', '.id']);
    const renamed = await cli.run(['api', `activities/${first}`, '--emulator', '-X', 'PUT', '-f', 'name=Renamed', '--silent']);
    assert.equal(renamed.code, 0, renamed.stderr);
    const ids = [first, Number(second.stdout.trim()), Number(created.stdout.trim())];
    assert.equal(new Set(ids).size, 3, ids.join(' '));
    const names = await cli.run(['api', 'athlete/activities', '--emulator', '--paginate', '--jq', `.[] | select(.id == (${ids.join(',')})) | .name`]);
    const listed = names.stdout.split('\n').filter(Boolean);
    assert.equal(listed.length, 3, names.stdout);
    assert.ok(listed.includes('Renamed') && listed.includes('Manual'), names.stdout);
  });

  test('concurrent CLI runs in --emulator mode keep each other\'s writes', async (t) => {
    const cli = await cliSandbox(t);
    assert.equal((await cli.run(['login', '--emulator', '--scope', 'activity:read_all,activity:write'])).code, 0);
    const runs = await Promise.all(
      [1, 2, 3, 4].map((n) => cli.run(['api', 'activities', '--emulator', '-f', `name=Parallel ${n}`, '-f', 'sport_type=Run', '-f', `start_date_local=2026-01-0${n}T07:00:00`, '-F', 'elapsed_time=600', '--jq', '.id'])),
    );
    for (const run of runs) assert.equal(run.code, 0, run.stderr);
    const ids = runs.map((run) => Number(run.stdout.trim()));
    assert.equal(new Set(ids).size, 4, `unique ids: ${ids.join(' ')}`);
    for (const id of ids) {
      const found = await cli.run(['api', `activities/${id}`, '--emulator', '--jq', '.name']);
      assert.match(found.stdout, /^Parallel [1-4]\n$/, found.stderr);
    }
  });
});

describe('api --wait on a manual clock', () => {
  test('a 429 is waited out with a countdown on stderr, then the call is made again', async (t) => {
    const { emu, cli } = await loggedIn(t, 'read');
    emu.faults.set({ rateLimitBurst: { count: 1 } });
    const clock = new ManualClock({ frozen: true });
    const sleeps: number[] = [];
    const sleep = async (ms: number) => {
      sleeps.push(ms);
      clock.advance(ms / 1000);
    };
    const out = await cli.run(['api', 'athlete', '--wait', '--jq', '.id'], { deps: { clock, sleep } });
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout, '1\n');
    const lines = out.stderr.split('\n').filter(Boolean);
    assert.equal(lines.at(-1), 'rate limit window reset: trying again');
    const left = lines.slice(0, -1).map((line) => {
      const match = /^rate limited: GET \/athlete: the 15-minute window resets at \d\d:(00|15|30|45):00 UTC; trying again in (?:(\d+)m )?(\d+)s$/.exec(line);
      assert.ok(match, line);
      return Number(match[2] ?? 0) * 60 + Number(match[3]);
    });
    // One line at once, then one on every half minute left: 30 s apart, down to the last 30 s.
    assert.ok(left.length >= 1 && left.length <= 32, String(left));
    for (let i = 1; i < left.length; i++) assert.equal(left[i], (left.length - i) * 30, String(left));
    const waited = sleeps.reduce((a, b) => a + b, 0);
    assert.equal(left[0], Math.ceil(waited / 1000));
    assert.equal(emu.stats().calls['GET /api/v3/athlete'], 2, 'the 429 and the call after the wait');
  });

  test('without --wait the 429 names --wait, on the same clock', async (t) => {
    const { emu, cli } = await loggedIn(t, 'read');
    emu.faults.set({ rateLimitBurst: { count: 1 } });
    const clock = new ManualClock({ frozen: true, start: Date.parse('2026-11-30T10:22:47.000Z') });
    const out = await cli.run(['api', 'athlete'], { deps: { clock, sleep: async () => assert.fail('no sleep without --wait') } });
    assert.equal(out.code, 5);
    assert.equal(
      out.stderr,
      "error: Strava's 15-minute rate limit is used up. Wait until 2026-11-30T10:30:00.000Z (the limit resets then) and try again. Or run it again with --wait to wait here: the window resets at 10:30:00 UTC, in 7m 13s.\n",
    );
  });
});

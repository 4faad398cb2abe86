/**
 * The parts of `strava-auth api`, in process: typed fields, headers, page fields, and the
 * rate-limit countdown on a manual clock (no real time passes).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ManualClock } from '../src/core/clock.ts';
import type { RateLimitEvent } from '../src/client/strava-client.ts';
import { RateLimitCountdown, formatRemaining } from '../src/cli/api/countdown.ts';
import { fieldsAsQuery, parseFields, type FieldSources } from '../src/cli/api/fields.ts';
import { canonicalHeaderName, parseHeaders, responseHead } from '../src/cli/api/headers.ts';
import { pageFields } from '../src/cli/api/paginate-output.ts';
import { planRequest } from '../src/cli/api/request-plan.ts';
import { UsageError } from '../src/cli/usage-error.ts';

const sources = (files: Record<string, string> = {}, stdin = ''): FieldSources => ({
  readFile: async (path) => {
    if (!(path in files)) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
    return files[path]!;
  },
  readStdin: async () => stdin,
});

describe('fields', () => {
  test('-f stays a string; -F types numbers, booleans, null, @file and @-; k[]=v builds a list', async () => {
    const fields = await parseFields(
      ['a=1', 'b=true', 'c=@x.txt', 'empty='],
      ['n=42', 'd=-1.5', 'e=1e3', 't=true', 'f=false', 'z=null', 's=text', 'big=12345678901234567890', 'lead=007', 'file=@x.txt', 'in=@-', 'l[]=1', 'l[]=two'],
      sources({ 'x.txt': 'hello\n' }, 'piped'),
    );
    assert.deepEqual(fields, {
      a: '1', b: 'true', c: '@x.txt', empty: '',
      n: 42, d: -1.5, e: 1000, t: true, f: false, z: null, s: 'text', big: '12345678901234567890', lead: '007',
      file: 'hello\n', in: 'piped', l: [1, 'two'],
    });
    assert.deepEqual(fieldsAsQuery(fields), {
      a: '1', b: 'true', c: '@x.txt', empty: '',
      n: '42', d: '-1.5', e: '1000', t: 'true', f: 'false', s: 'text', big: '12345678901234567890', lead: '007',
      file: 'hello\n', in: 'piped', l: '1,two',
    });
  });

  test('malformed fields, a missing file and a second @- are usage errors', async () => {
    await assert.rejects(parseFields(['novalue'], [], sources()), (e: Error) => e instanceof UsageError && /^-f takes key=value/.test(e.message));
    await assert.rejects(parseFields([], ['=x'], sources()), /^UsageError: -F takes key=value/);
    await assert.rejects(parseFields([], ['x=@nope'], sources()), /-F @nope: cannot read nope \(ENOENT\)/);
    await assert.rejects(parseFields([], ['x=@-', 'y=@-'], sources()), /Only one field can read standard input/);
  });
});

describe('headers', () => {
  test('-H "Name: value" is parsed; Authorization in any case is refused', () => {
    assert.deepEqual(parseHeaders(['X-Trace: abc', 'Accept:application/json ']), { 'x-trace': 'abc', accept: 'application/json' });
    for (const value of ['Authorization: Bearer x', 'AUTHORIZATION:x', 'authorization :x']) {
      assert.throws(() => parseHeaders([value]), /-H cannot set Authorization/, value);
    }
    assert.throws(() => parseHeaders(['Bad Name: x']), /-H takes "Name: value"/);
    assert.throws(() => parseHeaders([': x']), /-H takes "Name: value"/);
  });

  test('-i prints a status line and canonical header names, sorted, then a blank line', () => {
    assert.equal(canonicalHeaderName('x-readratelimit-usage'), 'X-Readratelimit-Usage');
    const headers = new Headers({ 'content-type': 'application/json', 'x-ratelimit-usage': '1,1' });
    assert.equal(responseHead(201, 'Created', headers), 'HTTP/1.1 201 Created\nContent-Type: application/json\nX-Ratelimit-Usage: 1,1\n\n');
  });
});

describe('the request plan (gh api\'s rules)', () => {
  const plan = (positionals: string[], flags: Parameters<typeof planRequest>[1] = {}) => planRequest(positionals, flags, sources({ 'b.json': '{"name":"x"}' }));

  test('GET by default; fields make it a POST with a JSON body; -X or a leading METHOD decides; the slash is optional', async () => {
    assert.deepEqual(await plan(['athlete']), { method: 'GET', path: '/athlete', request: { headers: {}, query: {} }, query: {} });
    assert.deepEqual(await plan(['activities'], { field: ['elapsed_time=60'] }), {
      method: 'POST', path: '/activities', request: { headers: {}, body: { elapsed_time: 60 } }, query: { elapsed_time: '60' },
    });
    assert.deepEqual((await plan(['athlete/activities'], { method: 'get', 'raw-field': ['per_page=5'] })).request, { headers: {}, query: { per_page: '5' } });
    assert.equal((await plan(['DELETE', '/push_subscriptions/1'], { field: ['x=1'] })).request.query?.x, '1', 'DELETE: fields in the query');
    assert.equal((await plan(['athlete/activities'], { paginate: true, field: ['per_page=50'] })).method, 'GET', '--paginate is a GET walk');
    assert.deepEqual((await plan(['activities/1'], { method: 'PUT', input: 'b.json', field: ['dry=1'] })).request, { headers: {}, query: { dry: '1' }, body: { name: 'x' } });
  });

  test('conflicts and impossible combinations are refused before anything is sent', async () => {
    await assert.rejects(plan(['PUT', 'athlete'], { method: 'POST' }), /Two methods given: PUT and -X POST/);
    await assert.rejects(plan(['athlete'], { method: 'PATCH' }), /-X takes GET, POST, PUT, DELETE/);
    await assert.rejects(plan(['athlete/activities'], { paginate: true, method: 'POST' }), /--paginate works with GET only/);
    await assert.rejects(plan(['athlete/activities'], { paginate: true, include: true }), /-i shows one response/);
    await assert.rejects(plan(['athlete'], { method: 'GET', input: 'b.json' }), /a GET has none/);
    await assert.rejects(plan(['athlete', 'extra']), /api takes PATH/);
    await assert.rejects(plan(['athlete/../oauth/token']), /Refusing PATH/);
  });
});

describe('page fields', () => {
  test('per_page and page come out of the query; out-of-range values are refused', () => {
    assert.deepEqual(pageFields({ per_page: '50', page: '3', before: '1' }), { perPage: 50, startPage: 3, rest: { before: '1' } });
    assert.deepEqual(pageFields({}), { perPage: 200, startPage: 1, rest: {} });
    for (const per_page of ['0', '201', '5.5', 'x']) assert.throws(() => pageFields({ per_page }), /per_page must be a whole number from 1 to 200/);
  });
});

describe('rate-limit countdown', () => {
  const event = (clock: ManualClock, waitMs: number): RateLimitEvent & { waitMs: number } => ({
    endpoint: 'GET /athlete',
    window: 'short',
    resetsAt: new Date(clock.now() + waitMs - 1000),
    waitMs,
  });
  const setup = (isTTY: boolean, animate: boolean) => {
    const clock = new ManualClock({ frozen: true, start: Date.parse('2026-11-30T10:22:47.500Z') });
    const sleeps: number[] = [];
    const writes: string[] = [];
    const countdown = new RateLimitCountdown({
      clock,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock.advance(ms / 1000);
      },
      stderr: { write: (text: string) => writes.push(text), isTTY },
      animate,
    });
    return { clock, sleeps, writes, countdown };
  };

  test('off a terminal: a line now, then one every 30 s on the half minute, then the retry', async () => {
    const { clock, sleeps, writes, countdown } = setup(false, true);
    const e = event(clock, 432_500);
    countdown.onRateLimit(e);
    await countdown.sleep(432_500);
    const left = ['7m 13s', ...Array.from({ length: 14 }, (_, i) => formatRemaining((14 - i) * 30_000))];
    assert.deepEqual(writes, [
      ...left.map((l) => `rate limited: GET /athlete: the 15-minute window resets at 10:29:59 UTC; trying again in ${l}\n`),
      'rate limit window reset: trying again\n',
    ]);
    assert.deepEqual(sleeps, [12_500, ...Array(14).fill(30_000)]);
    assert.equal(left.at(-1), '30s');
  });

  test('on a terminal: one line redrawn every second, with a spinner; none with NO_COLOR', async () => {
    for (const animate of [true, false]) {
      const { clock, sleeps, writes, countdown } = setup(true, animate);
      countdown.onRateLimit(event(clock, 3_500));
      await countdown.sleep(3_500);
      const frames = animate ? ['⠋ ', '⠙ ', '⠹ ', '⠸ '] : ['', '', '', ''];
      assert.deepEqual(writes, [
        ...['4s', '3s', '2s', '1s'].map((l, i) => `\r\x1b[2K${frames[i]}rate limited: GET /athlete: the 15-minute window resets at 10:22:50 UTC; trying again in ${l}`),
        '\r\x1b[2Krate limit window reset: trying again\n',
      ]);
      assert.deepEqual(sleeps, [500, 1000, 1000, 1000]);
    }
  });

  test('other sleeps (retry backoff, upload polls) pass straight through, silently', async () => {
    const { clock, sleeps, writes, countdown } = setup(false, false);
    await countdown.sleep(250);
    countdown.onRateLimit({ ...event(clock, 5000), waitMs: undefined }); // the client will throw, not wait
    await countdown.sleep(5000);
    assert.deepEqual(sleeps, [250, 5000]);
    assert.deepEqual(writes, []);
  });

  test('a sleep that never moves the clock ends the countdown instead of hanging', async () => {
    const clock = new ManualClock({ frozen: true });
    let calls = 0;
    const countdown = new RateLimitCountdown({ clock, sleep: async () => void calls++, stderr: { write: () => true, isTTY: false }, animate: false });
    countdown.onRateLimit(event(clock, 90_000));
    await countdown.sleep(90_000);
    assert.equal(calls, 5, 'ceil(90 s / 30 s) + 2 steps at most');
  });
});

/**
 * Rate limits without the user writing a line: the client reads `X-RateLimit-*` and
 * `X-ReadRateLimit-*` in any spelling, exposes usage and limits aged by the clock, and on 429
 * either waits for the next window (opt-in, capped) or throws `RateLimitError` with the reset
 * time, knowing that uploads and activity creation count only against the overall budget.
 * Waiting moves the emulator's clock: no test sleeps.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RateLimitEvent } from '../src/client/strava-client.ts';
import { RateLimitError } from '../src/core/errors/rate-limit-error.ts';
import type { HeaderCase } from '../src/emulator/index.ts';
import { clientFixture } from './helpers/api.ts';

/** 2026-11-25 10:07:00 UTC. */
const T_1007 = Date.UTC(2026, 10, 25, 10, 7);
const AT_1015 = '2026-11-25T10:15:00.000Z';

describe('reading the headers', () => {
  for (const [headerCase, spaced] of [
    ['canonical', false],
    ['canonical', true],
    ['lower', false],
    ['lower', true],
    ['upper', false],
    ['upper', true],
  ] as Array<[HeaderCase, boolean]>) {
    test(`spelled ${headerCase}${spaced ? ', "200, 2000" with spaces' : ''}`, async (t) => {
      const { emu, client } = await clientFixture(t, { scopes: [], emulator: { rateLimits: { headerCase, spaced } } });
      emu.clock.set(T_1007);
      const response = await client.requestRaw('GET', '/athlete');
      const expected = {
        overall: { shortLimit: 200, shortUsage: 1, dailyLimit: 2000, dailyUsage: 1 },
        read: { shortLimit: 100, shortUsage: 1, dailyLimit: 1000, dailyUsage: 1 },
      };
      assert.deepEqual(response.rateLimit, expected);
      assert.deepEqual(client.rateLimit, {
        overall: { ...expected.overall, shortRemaining: 199, dailyRemaining: 1999, shortResetsAt: new Date(AT_1015), dailyResetsAt: new Date('2026-11-26T00:00:00Z') },
        read: { ...expected.read, shortRemaining: 99, dailyRemaining: 999, shortResetsAt: new Date(AT_1015), dailyResetsAt: new Date('2026-11-26T00:00:00Z') },
        observedAt: new Date(T_1007),
      });
    });
  }

  test('usage of a window that has reset counts as zero; unknown before the first response', async (t) => {
    const { emu, client } = await clientFixture(t, { scopes: [] });
    emu.clock.set(T_1007);
    const before = client.rateLimit; // a variable: asserting on the getter itself would narrow its type for good
    assert.deepEqual(before, { overall: undefined, read: undefined, observedAt: undefined });
    assert.equal(client.remainingBudget('GET', '/athlete'), undefined);
    await client.getAthlete();
    await client.getAthlete();
    assert.equal(client.remainingBudget('GET', '/athlete'), 98);
    emu.clock.advance(8 * 60); // 10:15
    assert.deepEqual([client.rateLimit.read?.shortUsage, client.rateLimit.read?.dailyUsage], [0, 2]);
    assert.equal(client.remainingBudget('GET', '/athlete'), 100);
    emu.clock.set(Date.UTC(2026, 10, 26, 0, 0, 1));
    assert.equal(client.rateLimit.read?.dailyUsage, 0);
  });

  test('uploads and activity creation count only against the overall budget', async (t) => {
    const { emu, client } = await clientFixture(t, { scopes: ['activity:write'], emulator: { rateLimits: { read: [2, 1000] } } });
    await client.getAthlete();
    await client.getAthlete();
    assert.deepEqual([client.remainingBudget('GET', '/athlete'), client.remainingBudget('POST', '/activities'), client.remainingBudget('POST', '/uploads')], [0, 198, 198]);
    const created = await client.createActivity({ name: 'Row', sport_type: 'Rowing', start_date_local: '2026-11-20T07:00:00', elapsed_time: 1800 });
    assert.equal(created.manual, true);
    assert.deepEqual(emu.rateLimitUsage(), { overall: [3, 3], read: [2, 2] });
  });
});

describe('429 without waiting', () => {
  test('RateLimitError with the next quarter hour, told to onRateLimit; nothing slept', async (t) => {
    const events: RateLimitEvent[] = [];
    const { emu, client, sleeps } = await clientFixture(t, { scopes: [], emulator: { rateLimits: { read: [2, 1000] } }, client: { onRateLimit: (e) => events.push(e) } });
    emu.clock.set(T_1007);
    await client.getAthlete();
    await client.getAthlete();
    const error = await client.getAthlete().catch((e: unknown) => e);
    assert.ok(error instanceof RateLimitError);
    assert.deepEqual([error.window, error.resetsAt.toISOString(), error.status], ['short', AT_1015, 429]);
    assert.equal(error.message, `Strava's 15-minute rate limit is used up. Wait until ${AT_1015} (the limit resets then) and try again.`);
    assert.deepEqual(events, [{ endpoint: 'GET /athlete', window: 'short', resetsAt: new Date(AT_1015), waitMs: undefined }]);
    assert.deepEqual(sleeps, []);
  });

  test('the daily window: resets at midnight UTC', async (t) => {
    const { emu, client } = await clientFixture(t, { scopes: [], emulator: { rateLimits: { read: [100, 1] } } });
    emu.clock.set(T_1007);
    await client.getAthlete();
    await assert.rejects(client.getAthlete(), (e: RateLimitError) => e.window === 'daily' && e.resetsAt.toISOString() === '2026-11-26T00:00:00.000Z');
  });

  test('a 429 on POST /uploads is judged by the overall budget alone (a spent read budget does not stop uploads)', async (t) => {
    const { emu, client } = await clientFixture(t, { scopes: ['activity:write'], emulator: { rateLimits: { overall: [3, 1000], read: [100, 2] } } });
    emu.clock.set(T_1007);
    await client.getAthlete();
    await client.getAthlete(); // the read budget's day is now spent
    await client.createUpload({ file: new Uint8Array([1]), filename: 'a.gpx' });
    const error = await client.createUpload({ file: new Uint8Array([2]), filename: 'b.gpx' }).catch((e: unknown) => e);
    assert.ok(error instanceof RateLimitError);
    assert.deepEqual([error.window, error.resetsAt.toISOString()], ['short', AT_1015]);
  });
});

describe('429 with waiting (rateLimit.wait)', () => {
  test('waits until the window resets (plus a second), then the same request succeeds', async (t) => {
    const events: RateLimitEvent[] = [];
    const { emu, client, sleeps } = await clientFixture(t, {
      scopes: [],
      emulator: { rateLimits: { read: [2, 1000] } },
      client: { rateLimit: { wait: true }, onRateLimit: (e) => events.push(e) },
    });
    emu.clock.set(T_1007);
    await client.getAthlete();
    await client.getAthlete();
    assert.equal((await client.getAthlete()).id, 1);
    assert.deepEqual(sleeps, [8 * 60_000 + 1000]);
    assert.deepEqual(events, [{ endpoint: 'GET /athlete', window: 'short', resetsAt: new Date(AT_1015), waitMs: 8 * 60_000 + 1000 }]);
    assert.equal(emu.clock.now(), Date.parse(AT_1015) + 1000);
    assert.equal(emu.stats().calls['GET /api/v3/athlete'], 4);
  });

  test('a burst of 429s: waits once per window', async (t) => {
    const { emu, client, sleeps } = await clientFixture(t, { scopes: [], client: { rateLimit: { wait: true } } });
    emu.clock.set(T_1007);
    emu.faults.set({ rateLimitBurst: { count: 2 } });
    assert.equal((await client.getAthlete()).id, 1);
    assert.deepEqual(sleeps, [8 * 60_000 + 1000, 15 * 60_000]);
  });

  test('never longer than maxWaitMs: a daily limit (hours away) is thrown by default', async (t) => {
    const { emu, client, sleeps } = await clientFixture(t, { scopes: [], emulator: { rateLimits: { read: [100, 1] } }, client: { rateLimit: { wait: true } } });
    emu.clock.set(T_1007);
    await client.getAthlete();
    await assert.rejects(client.getAthlete(), { name: 'RateLimitError', window: 'daily' });
    assert.deepEqual(sleeps, []);
  });

  test('a smaller cap refuses even a 15-minute wait', async (t) => {
    const { emu, client, sleeps } = await clientFixture(t, { scopes: [], emulator: { rateLimits: { read: [1, 1000] } }, client: { rateLimit: { wait: true, maxWaitMs: 60_000 } } });
    emu.clock.set(T_1007);
    await client.getAthlete();
    await assert.rejects(client.getAthlete(), { name: 'RateLimitError', window: 'short' });
    assert.deepEqual(sleeps, []);
  });
});

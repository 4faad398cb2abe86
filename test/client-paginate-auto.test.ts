/**
 * `concurrency: 'auto'`: a whole history in as few round trips as the budget allows, with exactly
 * the activities of the sequential loop (page 1, 2, … until an empty page), in the same order,
 * for `activity:read_all` and for `activity:read` tokens (Only You activities cut from pages).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AUTO_MAX_IN_FLIGHT } from '../src/client/paginate.ts';
import type { StravaClient } from '../src/client/strava-client.ts';
import type { Emulator } from '../src/emulator/index.ts';
import { clientFixture } from './helpers/api.ts';
import { collect, concurrencyMeter } from './helpers/paginate.ts';

const LIST = 'GET /api/v3/athlete/activities';

/** The ids of the sequential loop and the requests it made. */
async function sequential(emu: Emulator, client: StravaClient, perPage = 200): Promise<{ ids: unknown[]; requests: number }> {
  emu.resetStats();
  const ids = (await collect(client.allActivities({}, { perPage }))).map((a) => a.id);
  return { ids, requests: emu.stats().calls[LIST] ?? 0 };
}

describe("the same activities as the sequential loop, in the same order", () => {
  for (const scope of ['activity:read_all', 'activity:read'] as const) {
    for (const activities of [0, 1, 200, 2000, 3000, 3200, 3201, 5000]) {
      test(`${activities} activities, ${scope}`, async (t) => {
        const meter = concurrencyMeter();
        const { emu, client } = await clientFixture(t, { scopes: [scope], client: { fetch: meter.fetch } });
        emu.seedActivities(1, activities);
        const expected = await sequential(emu, client);
        const visible = emu.activitiesOf(1).filter((a) => scope === 'activity:read_all' || a.visibility !== 'only_me');
        assert.deepEqual(expected.ids, visible.map((a) => a.id), 'the sequential loop itself sees every visible activity');

        emu.resetStats();
        const ids = (await collect(client.allActivities({}, { concurrency: 'auto' }))).map((a) => a.id);
        assert.deepEqual(ids, expected.ids);
        const requests = emu.stats().calls[LIST]!;
        // Every page up to the empty one, plus at most one batch past it.
        assert.ok(requests >= expected.requests && requests <= expected.requests + AUTO_MAX_IN_FLIGHT - 1, `${requests} requests, ${expected.requests} pages`);
        assert.ok(meter.max() <= AUTO_MAX_IN_FLIGHT, `${meter.max()} in flight`);
      });
    }
  }

  test('2,000 activities: one round trip of 16 pages, nothing sent after the empty page 11', async (t) => {
    const meter = concurrencyMeter();
    const { emu, client } = await clientFixture(t, { scopes: ['activity:read_all'], client: { fetch: meter.fetch } });
    emu.seedActivities(1, 2000);
    const pages: Array<[number, number]> = [];
    const items = await collect(client.allActivities({}, { concurrency: 'auto', onPage: (page, count) => pages.push([page, count]) }));
    assert.equal(items.length, 2000);
    assert.equal(meter.max(), 16, 'all 16 at once: the budget is unknown before the first answer');
    assert.equal(meter.total(), 16, 'and nothing after them');
    assert.deepEqual(pages.at(-1), [11, 0]);
  });

  test('a page emptied by the Only You cut ends the list exactly where the sequential loop ends it', async (t) => {
    const { emu, client } = await clientFixture(t, { scopes: ['activity:read'] });
    const writer = await clientFixture(t, { emu, scopes: ['activity:read_all', 'activity:write'] });
    emu.seedActivities(1, 40);
    // Page 3 of 5 (activities 10 to 14, newest first) becomes Only You: empty for this token.
    for (const activity of emu.activitiesOf(1).slice(10, 15)) await writer.client.updateActivity(activity.id as number, { visibility: 'only_me' });
    const expected = await sequential(emu, client, 5);
    const short = emu.activitiesOf(1).slice(0, 10).filter((a) => a.visibility !== 'only_me');
    assert.deepEqual(expected.ids, short.map((a) => a.id));
    assert.equal(expected.requests, 3);

    const ids = (await collect(client.allActivities({}, { perPage: 5, concurrency: 'auto' }))).map((a) => a.id);
    assert.deepEqual(ids, expected.ids);
  });
});

describe('inside the rate-limit budget', () => {
  test('a known budget bounds even the first batch: no 429', async (t) => {
    const meter = concurrencyMeter();
    const { emu, client } = await clientFixture(t, { scopes: ['activity:read_all'], emulator: { rateLimits: { read: [10, 1000] } }, client: { fetch: meter.fetch } });
    emu.seedActivities(1, 500);
    for (let i = 0; i < 6; i++) await client.getAthlete(); // 4 requests left in this window
    const items = await collect(client.allActivities({}, { concurrency: 'auto' }));
    assert.equal(items.length, 500);
    assert.ok(meter.max() <= 4, `${meter.max()} in flight with 4 left`);
    assert.deepEqual(emu.rateLimitUsage().read, [10, 10]);
  });

  test('a long list keeps at most 16 in flight, in batches while the last page has items', async (t) => {
    const meter = concurrencyMeter();
    const { emu, client } = await clientFixture(t, { scopes: ['activity:read_all'], client: { fetch: meter.fetch } });
    emu.seedActivities(1, 7000); // 35 full pages, the empty one is 36
    const items = await collect(client.allActivities({}, { concurrency: 'auto' }));
    assert.equal(items.length, 7000);
    assert.equal(meter.max(), 16);
    const requests = emu.stats().calls[LIST]!;
    assert.ok(requests >= 36 && requests <= 36 + 15, `${requests} requests`);
  });

  test('break: pages in flight are cancelled and awaited, and nothing more is sent', async (t) => {
    const meter = concurrencyMeter();
    const { emu, client } = await clientFixture(t, { scopes: ['activity:read_all'], client: { fetch: meter.fetch } });
    emu.seedActivities(1, 5000);
    let seen = 0;
    for await (const _ of client.allActivities({}, { concurrency: 'auto' })) if (++seen === 250) break;
    assert.equal(meter.total(), 16, 'the first batch only');
    await client.getAthlete();
    assert.equal(meter.total(), 17, 'nothing more was sent afterwards');
  });

  test('pages past the end waiting for a rate-limit window do not hold the end of the list', { timeout: 30_000 }, async (t) => {
    // Budget 2: pages 1 and 2 are counted first, pages 3 to 16 then get 429s and wait for the
    // next window (a wait that never ends on its own here); only then does the empty page 2
    // reach the client and end the list.
    let bothCounted!: () => void;
    const counted = new Promise<void>((resolve) => (bothCounted = resolve));
    let allWaiting!: () => void;
    const waiting = new Promise<void>((resolve) => (allWaiting = resolve));
    let pending = 2;
    const sleeps: number[] = [];
    const { emu, client } = await clientFixture(t, {
      scopes: ['activity:read_all'],
      emulator: { rateLimits: { read: [2, 1000] } },
      client: {
        rateLimit: { wait: true },
        sleep: (ms) => {
          if (sleeps.push(ms) === 14) allWaiting();
          return new Promise(() => {});
        },
        fetch: async (input, init) => {
          const page = Number(new URL(String(input)).searchParams.get('page'));
          if (page > 2) await counted;
          const response = await fetch(input, init);
          if (page <= 2 && --pending === 0) bothCounted();
          if (page === 2) await waiting;
          return response;
        },
      },
    });
    emu.seedActivities(1, 200);
    const items = await collect(client.allActivities({}, { concurrency: 'auto' }));
    assert.equal(items.length, 200);
    assert.equal(sleeps.length, 14);
  });

  test("concurrency must be a positive integer or 'auto'", async (t) => {
    const { emu, client } = await clientFixture(t, { scopes: ['activity:read'] });
    await assert.rejects(client.allActivities({}, { concurrency: 'fast' as 'auto' }).next(), { name: 'RangeError', message: "concurrency must be a positive integer or 'auto'." });
    assert.deepEqual(emu.stats().calls, {});
  });
});

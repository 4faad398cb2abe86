/**
 * `client.paginate`: every item in order, ending only at an EMPTY page (protocol section 7: a
 * short page is not the end), per_page up to 200, optional concurrency that stays inside the
 * remaining rate-limit budget, progress per page, early exit without stray requests.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SummaryActivity } from '../src/client/models.ts';
import { NO_RETRY } from '../src/core/retry.ts';
import { StravaServerError } from '../src/core/errors/server-error.ts';
import { clientFixture } from './helpers/api.ts';
import { collect, concurrencyMeter } from './helpers/paginate.ts';

describe('page boundaries: all items, requests = full pages + the empty one', () => {
  const rows: Array<{ activities: number; perPage: number; requests: number }> = [
    { activities: 0, perPage: 200, requests: 1 },
    { activities: 1, perPage: 200, requests: 2 },
    { activities: 199, perPage: 200, requests: 2 },
    { activities: 200, perPage: 200, requests: 2 },
    { activities: 201, perPage: 200, requests: 3 },
    { activities: 400, perPage: 200, requests: 3 },
    { activities: 401, perPage: 200, requests: 4 },
    { activities: 61, perPage: 30, requests: 4 },
    { activities: 3, perPage: 1, requests: 4 },
  ];
  for (const row of rows) {
    test(`${row.activities} activities, per_page ${row.perPage}: ${row.requests} request(s)`, async (t) => {
      const { emu, client } = await clientFixture(t, { scopes: ['activity:read_all'] });
      emu.seedActivities(1, row.activities);
      const items = await collect(client.paginate<SummaryActivity>('/athlete/activities', { perPage: row.perPage }));
      assert.deepEqual(items.map((a) => a.id), emu.activitiesOf(1).map((a) => a.id));
      assert.equal(emu.stats().calls['GET /api/v3/athlete/activities'], row.requests);
    });
  }

  test('perPage outside 1..200 is refused before any request', async (t) => {
    const { emu, client } = await clientFixture(t, { scopes: ['activity:read'] });
    for (const perPage of [0, 201, 1.5]) {
      await assert.rejects(client.paginate('/athlete/activities', { perPage }).next(), { name: 'RangeError', message: /perPage must be an integer from 1 to 200/ });
    }
    await assert.rejects(client.paginate('/athlete/activities', { concurrency: 0 }).next(), RangeError);
    assert.deepEqual(emu.stats().calls, {});
  });
});

describe('short pages are not the end', () => {
  test('without activity:read_all: every visible activity, though pages come back short', async (t) => {
    const { emu, client } = await clientFixture(t, { scopes: ['activity:read'] });
    const pages: Array<[number, number]> = [];
    const items = await collect(client.allActivities({}, { perPage: 30, onPage: (page, count) => pages.push([page, count]) }));
    const visible = emu.activitiesOf(1).filter((a) => a.visibility !== 'only_me');
    assert.deepEqual(items.map((a) => a.id), visible.map((a) => a.id));
    const firstShort = pages.findIndex(([, count]) => count > 0 && count < 30);
    assert.ok(firstShort >= 0 && firstShort < pages.length - 2, 'a short page came well before the end');
    // A loop that stopped at the first short page would have missed the rest.
    const naive = pages.slice(0, firstShort + 1).reduce((sum, [, count]) => sum + count, 0);
    assert.ok(naive < items.length, `${naive} of ${items.length}`);
    assert.deepEqual(pages.at(-1), [21, 0]);
  });
});

describe('concurrency', () => {
  test('4 pages in flight: the same items in the same order, fewer round trips', async (t) => {
    const meter = concurrencyMeter();
    const { emu, client } = await clientFixture(t, { scopes: ['activity:read_all'], client: { fetch: meter.fetch } });
    emu.seedActivities(1, 2000);
    const pages: number[] = [];
    const items = await collect(client.paginate<SummaryActivity>('/athlete/activities', { concurrency: 4, onPage: (page) => pages.push(page) }));
    assert.deepEqual(items.map((a) => a.id), emu.activitiesOf(1).map((a) => a.id));
    assert.deepEqual(pages, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    assert.equal(meter.max(), 4);
    const requests = emu.stats().calls['GET /api/v3/athlete/activities']!;
    assert.ok(requests >= 11 && requests <= 14, `${requests} requests: 11 pages, at most 3 sent past the end`);
  });

  test('never more in flight than the read budget has left: no 429', async (t) => {
    const meter = concurrencyMeter();
    const { emu, client } = await clientFixture(t, { scopes: ['activity:read_all'], emulator: { rateLimits: { read: [10, 1000] } }, client: { fetch: meter.fetch } });
    emu.seedActivities(1, 500);
    for (let i = 0; i < 6; i++) await client.getAthlete(); // 4 requests left in this window
    const items = await collect(client.paginate('/athlete/activities', { concurrency: 8 }));
    assert.equal(items.length, 500);
    assert.ok(meter.max() <= 3, `${meter.max()} in flight with 3 left after page 1`);
    assert.deepEqual(emu.rateLimitUsage().read, [10, 10]);
  });

  test('a spent budget with rateLimit.wait: waits for the next window and carries on', async (t) => {
    const meter = concurrencyMeter();
    const { emu, client, sleeps } = await clientFixture(t, {
      scopes: ['activity:read_all'],
      emulator: { rateLimits: { read: [4, 1000] } },
      client: { fetch: meter.fetch, rateLimit: { wait: true } },
    });
    emu.clock.set(Date.UTC(2026, 10, 25, 10, 0));
    emu.seedActivities(1, 2000);
    const items = await collect(client.paginate('/athlete/activities', { concurrency: 4 }));
    assert.equal(items.length, 2000);
    assert.ok(meter.max() <= 3, 'page 1 alone, then at most the 3 left');
    assert.ok(sleeps.length >= 2 && sleeps.length <= 4, `${sleeps.length} waits for 11 pages at 4 per window`);
  });
});

describe('progress, early exit and errors', () => {
  test('onPage reports each page in order, then the empty one', async (t) => {
    const { emu, client } = await clientFixture(t, { scopes: ['activity:read_all'] });
    emu.seedActivities(1, 450);
    const pages: Array<[number, number]> = [];
    await collect(client.paginate('/athlete/activities', { onPage: (page, count) => pages.push([page, count]) }));
    assert.deepEqual(pages, [[1, 200], [2, 200], [3, 50], [4, 0]]);
  });

  test('break stops asking for pages; pages already in flight are cancelled and awaited', async (t) => {
    const meter = concurrencyMeter();
    const { emu, client } = await clientFixture(t, { scopes: ['activity:read_all'], client: { fetch: meter.fetch } });
    emu.seedActivities(1, 2000);
    let seen = 0;
    for await (const _ of client.paginate('/athlete/activities', { concurrency: 3 })) if (++seen === 250) break;
    const sent = meter.total();
    assert.ok(sent <= 4, `${sent} requests for 250 items`);
    await client.getAthlete();
    assert.equal(meter.total(), sent + 1, 'nothing more was sent afterwards');
  });

  test('a failing page ends the iteration with its error', async (t) => {
    const { emu, client } = await clientFixture(t, { scopes: ['activity:read_all'], client: { retry: NO_RETRY } });
    emu.seedActivities(1, 1000);
    const iterator = client.paginate('/athlete/activities');
    for (let i = 0; i < 200; i++) await iterator.next();
    emu.faults.set({ status5xx: { count: 1 } });
    await assert.rejects(iterator.next(), StravaServerError);
  });

  test('query parameters pass through: after= limits the list', async (t) => {
    const { emu, client } = await clientFixture(t, { scopes: ['activity:read_all'] });
    const all = emu.activitiesOf(1);
    const after = new Date(Date.parse(all[9]!.start_date as string));
    const items = await collect(client.allActivities({ after }));
    assert.deepEqual(items.map((a) => a.id), all.slice(0, 9).map((a) => a.id));
  });
});

/**
 * The typed methods for the endpoints people use most, and the generic `request`/`requestRaw`,
 * against the emulator. Unknown fields are kept, never dropped.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StravaApiError } from '../src/core/errors/strava-api-error.ts';
import { clientFixture } from './helpers/api.ts';

describe('athlete', () => {
  test('getAthlete: summary with read, detailed with profile:read_all; fields beyond the model are kept', async (t) => {
    const summary = await (await clientFixture(t, { scopes: [] })).client.getAthlete();
    assert.deepEqual([summary.id, summary.resource_state, summary.firstname, summary.badge_type_id], [1, 2, 'Marta', 0]);
    const detailed = await (await clientFixture(t, { scopes: ['profile:read_all'] })).client.getAthlete();
    assert.deepEqual([detailed.resource_state, detailed.measurement_preference, detailed.bikes?.[0]?.id], [3, 'meters', 'b1000001']);
  });

  test('updateAthlete sets the weight (and FTP); getAthleteZones then has power zones', async (t) => {
    const { client } = await clientFixture(t, { scopes: ['profile:write', 'profile:read_all'] });
    const updated = await client.updateAthlete({ weight: 61.5, ftp: 230 });
    assert.deepEqual([updated.weight, updated.ftp], [61.5, 230]);
    const zones = await client.getAthleteZones();
    assert.deepEqual([zones.heart_rate?.zones.length, zones.power?.zones.length], [5, 7]);
  });

  test('getAthleteStats: the token\'s own athlete by default; another id is Strava\'s 403', async (t) => {
    const { emu, client } = await clientFixture(t, { scopes: [] });
    const stats = await client.getAthleteStats();
    const rides = emu.activitiesOf(1).filter((a) => ['Ride', 'VirtualRide'].includes(a.type as string) && a.visibility === 'everyone');
    assert.equal(stats.all_ride_totals?.count, rides.length);
    assert.deepEqual(emu.stats().calls, { 'GET /api/v3/athletes/{id}/stats': 1 }, 'the id came from the token set');
    const error = await client.getAthleteStats(2).catch((e: unknown) => e);
    assert.ok(error instanceof StravaApiError);
    assert.deepEqual([error.status, error.faults], [403, [{ resource: 'Athlete', field: 'id', code: 'invalid' }]]);
  });
});

describe('activities', () => {
  test('listActivities returns one page; before accepts a Date', async (t) => {
    const { emu, client } = await clientFixture(t, { scopes: ['activity:read_all'] });
    const all = emu.activitiesOf(1);
    const page = await client.listActivities({ per_page: 5, before: new Date(Date.parse(all[10]!.start_date as string)) });
    assert.deepEqual(page.map((a) => a.id), all.slice(11, 16).map((a) => a.id));
    assert.equal(typeof page[0]!.sport_type, 'string', 'sport_type, newer than the 2018 models, is there');
  });

  test('getActivity returns the detailed activity', async (t) => {
    const { emu, client } = await clientFixture(t, { scopes: ['activity:read'] });
    const run = emu.activitiesOf(1).find((a) => a.type === 'Run' && a.visibility === 'everyone')!;
    const activity = await client.getActivity(run.id as number);
    assert.deepEqual([activity.id, activity.resource_state, activity.laps?.length, Array.isArray(activity.splits_metric)], [run.id, 3, 1, true]);
  });

  test('createActivity and updateActivity', async (t) => {
    const { client } = await clientFixture(t, { scopes: ['activity:write', 'activity:read'] });
    const created = await client.createActivity({
      name: 'Evening yoga',
      sport_type: 'Yoga',
      start_date_local: new Date(Date.UTC(2026, 10, 24, 19, 0)),
      elapsed_time: 2700,
      description: 'Stretch',
      trainer: true,
    });
    assert.deepEqual([created.name, created.start_date_local, created.trainer, created.manual, created.description], ['Evening yoga', '2026-11-24T19:00:00Z', true, true, 'Stretch']);
    const updated = await client.updateActivity(created.id, { name: 'Evening yoga (long)', hide_from_home: true });
    assert.deepEqual([updated.name, updated.hide_from_home], ['Evening yoga (long)', true]);
  });
});

describe('request and requestRaw', () => {
  test('requestRaw gives status, headers, data, text and the rate-limit headers of the answer', async (t) => {
    const { client } = await clientFixture(t, { scopes: [] });
    const response = await client.requestRaw<{ id: number }>('GET', '/athlete');
    assert.deepEqual([response.status, response.data.id, JSON.parse(response.text).id], [200, 1, 1]);
    assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.deepEqual(response.rateLimit?.read, { shortLimit: 100, shortUsage: 1, dailyLimit: 1000, dailyUsage: 1 });
  });

  test('request works for endpoints without a typed method', async (t) => {
    const { emu, client } = await clientFixture(t, { scopes: ['activity:read'] });
    const id = emu.activitiesOf(1).find((a) => a.visibility === 'everyone')!.id;
    assert.deepEqual(await client.request('GET', `/activities/${id}/kudos`, { query: { page: 1, per_page: 10 } }), []);
    assert.equal((await client.request<Array<{ lap_index: number }>>('GET', `/activities/${id}/laps`))[0]!.lap_index, 1);
    assert.equal((await client.request<{ id: string }>('GET', '/gear/g2000001')).id, 'g2000001');
  });
});

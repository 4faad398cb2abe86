/**
 * The emulator's activities: seeded history (deterministic, several sport types, some Only You),
 * `GET /athlete/activities` paging with Strava's short pages, `before`/`after`, and creating and
 * updating activities.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { api, errorText } from './helpers/api.ts';
import { startTestEmulator } from './helpers/emulator.ts';

const ANCHOR = Date.UTC(2026, 10, 1);

describe('seeded activities', () => {
  test('600 per athlete by default, of several sport types, some Only You, newest first', async (t) => {
    const emu = await startTestEmulator(t, { activities: { anchorMs: ANCHOR } });
    const all = emu.activitiesOf(1);
    assert.equal(all.length, 600);
    const types = new Set(all.map((a) => a.type));
    for (const type of ['Ride', 'Run', 'Swim', 'Walk', 'Hike', 'VirtualRide']) assert.ok(types.has(type), type);
    const onlyMe = all.filter((a) => a.visibility === 'only_me');
    assert.ok(onlyMe.length > 20 && onlyMe.length < 80, `${onlyMe.length} Only You`);
    assert.ok(onlyMe.every((a) => a.private === true));
    const starts = all.map((a) => Date.parse(a.start_date as string));
    assert.deepEqual(starts, [...starts].sort((a, b) => b - a));
    assert.ok(starts[0]! < ANCHOR, 'the newest starts before the anchor day');
  });

  test('the same seed gives the same activities; another seed, others', async (t) => {
    const a = await startTestEmulator(t, { activities: { anchorMs: ANCHOR, seed: 7 } });
    const b = await startTestEmulator(t, { activities: { anchorMs: ANCHOR, seed: 7 } });
    const c = await startTestEmulator(t, { activities: { anchorMs: ANCHOR, seed: 8 } });
    assert.deepEqual(a.activitiesOf(1), b.activitiesOf(1));
    assert.notDeepEqual(a.activitiesOf(1).map((x) => x.name), c.activitiesOf(1).map((x) => x.name));
  });

  test('fields are realistic: outdoor activities have a map near home, indoor ones none', async (t) => {
    const emu = await startTestEmulator(t, { activities: { anchorMs: ANCHOR } });
    const all = emu.activitiesOf(1);
    const ride = all.find((a) => a.type === 'Ride')!;
    assert.equal(ride.timezone, '(GMT+01:00) Europe/Stockholm');
    assert.ok((ride.start_latlng as number[])[0]! > 57 && (ride.start_latlng as number[])[0]! < 59);
    assert.match((ride.map as { summary_polyline: string }).summary_polyline, /^[\x3f-\x7e]{10,}$/);
    assert.ok((ride.average_speed as number) > 5 && (ride.average_speed as number) < 10);
    assert.equal(ride.gear_id, 'b1000001');
    const swim = all.find((a) => a.type === 'Swim')!;
    assert.deepEqual([swim.start_latlng, (swim.map as { summary_polyline: string }).summary_polyline, swim.gear_id], [null, '', null]);
  });

  test('seedActivities gives an athlete exactly N activities (a bench wants thousands)', async (t) => {
    const emu = await startTestEmulator(t);
    emu.seedActivities(5, 2500);
    assert.equal(emu.activitiesOf(5).length, 2500);
    const control = await fetch(`${emu.url}/_emulator/activities`, { method: 'POST', body: JSON.stringify({ athleteId: 5, count: 3 }) });
    assert.equal(control.status, 200);
    assert.equal(emu.activitiesOf(5).length, 3);
  });
});

describe('GET /athlete/activities', () => {
  test('30 per page by default, at most 200, an empty page past the end', async (t) => {
    const emu = await startTestEmulator(t);
    const token = emu.issueTokens({ scopes: ['activity:read_all'] }).access_token;
    assert.equal((await api(emu, token, 'GET', '/athlete/activities')).body.length, 30);
    assert.equal((await api(emu, token, 'GET', '/athlete/activities?per_page=500')).body.length, 200);
    assert.equal((await api(emu, token, 'GET', '/athlete/activities?per_page=200&page=3')).body.length, 200);
    assert.deepEqual((await api(emu, token, 'GET', '/athlete/activities?per_page=200&page=4')).body, []);
  });

  test('before and after filter on the start time (epoch seconds)', async (t) => {
    const emu = await startTestEmulator(t);
    const token = emu.issueTokens({ scopes: ['activity:read_all'] }).access_token;
    const all = emu.activitiesOf(1);
    const pivot = Date.parse(all[100]!.start_date as string) / 1000;
    const before = (await api(emu, token, 'GET', `/athlete/activities?per_page=200&before=${pivot}`)).body;
    assert.equal(before[0].id, all[101]!.id);
    const after = (await api(emu, token, 'GET', `/athlete/activities?per_page=200&after=${pivot}`)).body;
    assert.deepEqual(after.map((a: { id: number }) => a.id), all.slice(0, 100).map((a) => a.id));
  });

  test('Only You activities are cut after paging: short pages while more follow, without activity:read_all', async (t) => {
    const emu = await startTestEmulator(t);
    const readAll = emu.issueTokens({ scopes: ['activity:read_all'] }).access_token;
    const read = emu.issueTokens({ scopes: ['activity:read'] }).access_token;
    const visible = emu.activitiesOf(1).filter((a) => a.visibility !== 'only_me');
    const pages: number[] = [];
    const seen: number[] = [];
    for (let page = 1; ; page++) {
      const body = (await api(emu, read, 'GET', `/athlete/activities?per_page=30&page=${page}`)).body as Array<{ id: number; visibility: string }>;
      if (body.length === 0) break;
      pages.push(body.length);
      seen.push(...body.map((a) => a.id));
      assert.ok(body.every((a) => a.visibility !== 'only_me'));
      assert.equal((await api(emu, readAll, 'GET', `/athlete/activities?per_page=30&page=${page}`)).body.length, 30);
    }
    assert.deepEqual(seen, visible.map((a) => a.id));
    const firstShort = pages.findIndex((n) => n < 30);
    assert.ok(firstShort >= 0 && firstShort < pages.length - 1, `a short page (${pages[firstShort]}) with more after it: ${pages.join(',')}`);
  });
});

describe('creating and updating activities', () => {
  test('POST /activities creates a manual activity (201, detailed) that the list then shows', async (t) => {
    const emu = await startTestEmulator(t, { activities: { anchorMs: ANCHOR } });
    const token = emu.issueTokens({ scopes: ['activity:write', 'activity:read'] }).access_token;
    const form = new URLSearchParams({ name: 'Gym', sport_type: 'WeightTraining', start_date_local: '2026-11-20T18:30:00', elapsed_time: '3600', description: 'Legs' });
    const created = await api(emu, token, 'POST', '/activities', form);
    assert.equal(created.status, 201);
    assert.deepEqual(
      [created.body.resource_state, created.body.name, created.body.manual, created.body.start_date, created.body.start_date_local, created.body.description],
      [3, 'Gym', true, '2026-11-20T17:30:00Z', '2026-11-20T18:30:00Z', 'Legs'],
    );
    const list = (await api(emu, token, 'GET', '/athlete/activities')).body as Array<{ id: number }>;
    assert.equal(list[0]!.id, created.body.id);
  });

  test('POST /activities names a missing required field', async (t) => {
    const emu = await startTestEmulator(t);
    const token = emu.issueTokens({ scopes: ['activity:write'] }).access_token;
    const answer = await api(emu, token, 'POST', '/activities', new URLSearchParams({ name: 'x', sport_type: 'Run', elapsed_time: '60' }));
    assert.deepEqual([answer.status, answer.text], [400, errorText('Bad Request', 'Activity', 'start_date_local', 'missing')]);
  });

  test('PUT /activities/{id} takes JSON or form; gear "none" clears it; another athlete\'s activity is forbidden', async (t) => {
    const emu = await startTestEmulator(t);
    const token = emu.issueTokens({ scopes: ['activity:write', 'activity:read_all'] }).access_token;
    const ride = emu.activitiesOf(1).find((a) => a.type === 'Ride' && a.visibility === 'everyone')!;
    const json = await fetch(`${emu.url}/api/v3/activities/${ride.id}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Sunset loop', gear_id: 'none', commute: true }),
    });
    const body = await json.json();
    assert.deepEqual([body.name, body.gear_id, body.commute], ['Sunset loop', null, true]);
    const other = emu.issueTokens({ athleteId: 2, scopes: ['activity:write', 'activity:read_all'] }).access_token;
    const forbidden = await api(emu, other, 'PUT', `/activities/${ride.id}`, new URLSearchParams({ name: 'Mine now' }));
    assert.deepEqual([forbidden.status, forbidden.text], [403, errorText('Forbidden', 'Activity', 'id', 'invalid')]);
  });
});

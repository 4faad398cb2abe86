/**
 * The emulator's API answers validate against Strava's own model files
 * (`/work/shared/strava-models/`): athlete (summary and detailed), every listed activity, detailed
 * activities of every sport, stats, zones, uploads in every state, and error bodies.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { api, fixturePath } from './helpers/api.ts';
import { startTestEmulator } from './helpers/emulator.ts';
import { allModels, MODELS_DIR, resolveAllRefs, validateModel } from './helpers/strava-schema.ts';

describe('the validator', () => {
  test('resolves every $ref of every model file', () => {
    const models = allModels();
    assert.ok(models.length > 30);
    for (const { file, model } of models) resolveAllRefs(file, model);
  });

  test("accepts Strava's own examples and catches a wrong type, a bad enum and a bad date", () => {
    const examples = join(MODELS_DIR, 'examples');
    const detailed = JSON.parse(readFileSync(join(examples, 'getActivityById.json'), 'utf8')).getActivityById;
    assert.deepEqual(validateModel(detailed, 'activity.json', 'DetailedActivity'), []);
    const list = JSON.parse(readFileSync(join(examples, 'getLoggedInAthleteActivities.json'), 'utf8')).getLoggedInAthleteActivities;
    for (const item of list) assert.deepEqual(validateModel(item, 'activity.json', 'SummaryActivity'), []);
    assert.deepEqual(validateModel({ ...list[0], distance: '12 km', type: 'Teleport', start_date: 'yesterday', map: { id: 3 } }, 'activity.json', 'SummaryActivity'), [
      'SummaryActivity.distance: expected number, got string',
      'SummaryActivity.type: "Teleport" is not one of AlpineSki, BackcountrySki, Canoeing, Crossfit, EBikeRide, Elliptical, Hike, IceSkate, InlineSkate, Kayaking, Kitesurf, NordicSki, Ride, RockClimbing, RollerSki, Rowing, Run, Snowboard, Snowshoe, StairStepper, StandUpPaddling, Surfing, Swim, VirtualRide, VirtualRun, Walk, WeightTraining, Windsurf, Workout, Yoga',
      'SummaryActivity.start_date: yesterday is not an ISO 8601 date-time',
      'SummaryActivity.map.id: expected string, got integer',
    ]);
  });
});

describe('emulator answers match the models', () => {
  test('athlete, zones and stats', async (t) => {
    const emu = await startTestEmulator(t);
    const token = emu.issueTokens({ scopes: ['profile:read_all', 'profile:write'] }).access_token;
    const summaryToken = emu.issueTokens({ scopes: [] }).access_token;
    await api(emu, token, 'PUT', '/athlete', new URLSearchParams({ ftp: '240', weight: '64' }));
    assert.deepEqual(validateModel((await api(emu, summaryToken, 'GET', '/athlete')).body, 'athlete.json', 'SummaryAthlete'), []);
    assert.deepEqual(validateModel((await api(emu, token, 'GET', '/athlete')).body, 'athlete.json', 'DetailedAthlete'), []);
    assert.deepEqual(validateModel((await api(emu, token, 'GET', '/athlete/zones')).body, 'zones.json', 'Zones'), []);
    assert.deepEqual(validateModel((await api(emu, token, 'GET', '/athletes/1/stats')).body, 'activity_stats.json', 'ActivityStats'), []);
  });

  test('every activity of the list, and a detailed activity of each sport type', async (t) => {
    const emu = await startTestEmulator(t);
    const token = emu.issueTokens({ scopes: ['activity:read_all'] }).access_token;
    const bySport = new Map<string, number>();
    for (let page = 1; page <= 3; page++) {
      for (const item of (await api(emu, token, 'GET', `/athlete/activities?per_page=200&page=${page}`)).body) {
        assert.deepEqual(validateModel(item, 'activity.json', 'SummaryActivity'), [], `activity ${item.id}`);
        if (!bySport.has(item.type)) bySport.set(item.type, item.id);
      }
    }
    assert.ok(bySport.size >= 6);
    for (const [sport, id] of bySport) {
      const detailed = await api(emu, token, 'GET', `/activities/${id}`);
      assert.deepEqual(validateModel(detailed.body, 'activity.json', 'DetailedActivity'), [], sport);
    }
  });

  test('uploads processing, ready and failed, and a created activity', async (t) => {
    const emu = await startTestEmulator(t, { uploadProcessing: { polls: 1 } });
    const token = emu.issueTokens({ scopes: ['activity:write', 'activity:read'] }).access_token;
    const post = async (file: string) => {
      const form = new FormData();
      form.set('file', new Blob([readFileSync(fixturePath(file))]), file);
      form.set('data_type', 'gpx');
      return (await api(emu, token, 'POST', '/uploads', form)).body;
    };
    const good = await post('morning-ride.gpx');
    const bad = await post('corrupt.gpx');
    assert.deepEqual(validateModel(good, 'upload.json', 'Upload'), []);
    for (const id of [good.id, bad.id]) assert.deepEqual(validateModel((await api(emu, token, 'GET', `/uploads/${id}`)).body, 'upload.json', 'Upload'), []);
    const created = await api(emu, token, 'POST', '/activities', new URLSearchParams({ name: 'Row', sport_type: 'Rowing', start_date_local: '2026-11-20T07:00:00', elapsed_time: '1800' }));
    assert.deepEqual(validateModel(created.body, 'activity.json', 'DetailedActivity'), []);
  });

  test('error bodies (401, 403, 404, 429, 5xx) are Faults', async (t) => {
    const emu = await startTestEmulator(t, { rateLimits: { read: [0, 10] } });
    const token = emu.issueTokens({ scopes: [] }).access_token;
    const bodies = [
      (await api(emu, 'nope', 'GET', '/athlete')).body,
      (await api(emu, token, 'GET', '/athlete')).body, // 429: the read budget is 0
    ];
    emu.setRateLimits({ read: [100, 1000] });
    bodies.push((await api(emu, token, 'GET', '/athlete/activities')).body);
    bodies.push((await api(emu, token, 'GET', '/athletes/9/stats')).body);
    bodies.push((await api(emu, token, 'GET', '/no-such-endpoint')).body);
    emu.faults.set({ status5xx: { count: 1 } });
    bodies.push((await api(emu, token, 'GET', '/athlete')).body);
    assert.deepEqual(bodies.map((b) => b.message), ['Authorization Error', 'Rate Limit Exceeded', 'Authorization Error', 'Forbidden', 'Record Not Found', 'Service Unavailable']);
    for (const body of bodies) assert.deepEqual(validateModel(body, 'fault.json', 'Fault'), []);
  });
});

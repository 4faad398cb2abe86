/**
 * Fault injection on the API routes, per test: added latency, 5xx answers, dropped connections
 * (handled, then no answer), 429 bursts, each limited to matching routes and counts; in-process
 * through `emu.faults` and from other processes through `/_emulator/faults`.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { api, errorText } from './helpers/api.ts';
import { startTestEmulator } from './helpers/emulator.ts';

describe('fault injection', () => {
  test('status5xx answers the next N matching requests, then the route works again', async (t) => {
    const emu = await startTestEmulator(t);
    const token = emu.issueTokens({ scopes: ['activity:read'] }).access_token;
    emu.faults.set({ match: 'GET /athlete/activities', status5xx: { count: 2, status: 502 } });
    assert.equal((await api(emu, token, 'GET', '/athlete')).status, 200, 'another route is untouched');
    const first = await api(emu, token, 'GET', '/athlete/activities');
    assert.deepEqual([first.status, first.body], [502, { message: 'Bad Gateway', errors: [] }]);
    assert.equal((await api(emu, token, 'GET', '/athlete/activities')).status, 502);
    assert.equal((await api(emu, token, 'GET', '/athlete/activities')).status, 200);
    assert.deepEqual(emu.faults.list(), [{ match: 'GET /athlete/activities', status5xx: { count: 0, status: 502 } }]);
  });

  test('drop handles the request, then closes the connection without an answer', async (t) => {
    const emu = await startTestEmulator(t);
    const token = emu.issueTokens({ scopes: ['activity:write', 'activity:read'] }).access_token;
    emu.faults.set({ match: 'POST /api/v3/activities', drop: { count: 1 } });
    const form = new URLSearchParams({ name: 'Lost answer', sport_type: 'Run', start_date_local: '2026-11-20T07:00:00', elapsed_time: '1800' });
    await assert.rejects(api(emu, token, 'POST', '/activities', form), TypeError);
    assert.equal(emu.activitiesOf(1).filter((a) => a.name === 'Lost answer').length, 1, 'the POST took effect');
    assert.equal((await api(emu, token, 'POST', '/activities', form)).status, 201);
  });

  test('rateLimitBurst answers 429 with the 15-minute budget shown used up', async (t) => {
    const emu = await startTestEmulator(t);
    const token = emu.issueTokens({ scopes: [] }).access_token;
    emu.faults.set({ rateLimitBurst: { count: 1 } });
    const burst = await api(emu, token, 'GET', '/athlete');
    assert.deepEqual(
      [burst.status, burst.text, burst.headers.get('x-ratelimit-usage'), burst.headers.get('x-readratelimit-usage')],
      [429, errorText('Rate Limit Exceeded', 'Application', 'rate limit', 'exceeded'), '200,1', '100,1'],
    );
    assert.equal((await api(emu, token, 'GET', '/athlete')).status, 200);
  });

  test('latencyMs delays every matching request until cleared', async (t) => {
    const emu = await startTestEmulator(t);
    const token = emu.issueTokens({ scopes: [] }).access_token;
    emu.faults.set({ match: 'GET *', latencyMs: 60 });
    const started = performance.now();
    await api(emu, token, 'GET', '/athlete');
    assert.ok(performance.now() - started >= 55, 'at least the injected latency');
    emu.faults.clear();
    assert.deepEqual(emu.faults.list(), []);
  });

  test('/_emulator/faults sets, lists and clears them for other processes; nonsense is refused with the reason', async (t) => {
    const emu = await startTestEmulator(t);
    const token = emu.issueTokens({ scopes: [] }).access_token;
    const set = await fetch(`${emu.url}/_emulator/faults`, { method: 'POST', body: JSON.stringify([{ match: 'GET /athlete', status5xx: { count: 1 } }]) });
    assert.deepEqual((await set.json()).faults, [{ match: 'GET /athlete', status5xx: { count: 1 } }]);
    assert.equal((await api(emu, token, 'GET', '/athlete')).status, 503);
    const bad = await fetch(`${emu.url}/_emulator/faults`, { method: 'POST', body: JSON.stringify({ explode: true }) });
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).message, /Unknown fault field\(s\): explode/);
    assert.equal((await fetch(`${emu.url}/_emulator/faults`, { method: 'DELETE' })).status, 204);
    assert.deepEqual((await (await fetch(`${emu.url}/_emulator/faults`)).json()).faults, []);
  });

  test('API calls are counted per route template in the stats; control calls are not', async (t) => {
    const emu = await startTestEmulator(t);
    const token = emu.issueTokens({ scopes: ['activity:read'] }).access_token;
    await api(emu, token, 'GET', '/athlete/activities');
    await api(emu, token, 'GET', `/activities/${emu.activitiesOf(1)[0]!.id}`);
    await fetch(`${emu.url}/_emulator/faults`);
    assert.deepEqual(emu.stats().calls, { 'GET /api/v3/athlete/activities': 1, 'GET /api/v3/activities/{id}': 1 });
  });
});

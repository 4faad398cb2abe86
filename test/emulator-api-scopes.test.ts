/**
 * Protocol section 7 on the emulator, over raw HTTP: which scopes each endpoint needs, the exact
 * error JSON when one is missing, Only You activities, and the token travelling only in the
 * Authorization header.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Emulator } from '../src/emulator/index.ts';
import { api, errorText } from './helpers/api.ts';
import { startTestEmulator } from './helpers/emulator.ts';

const missing = (permission: string) => errorText('Authorization Error', 'AccessToken', `${permission}_permission`, 'missing');
const INVALID_TOKEN = errorText('Authorization Error', 'Athlete', 'access_token', 'invalid');

/** The athlete's first activity with this visibility. */
function activityId(emu: Emulator, visibility: 'only_me' | 'everyone'): number {
  return emu.activitiesOf(1).find((a) => a.visibility === visibility)!.id as number;
}

const rows: Array<{ call: string; scopes: string[]; path?: (emu: Emulator) => string; body?: () => BodyInit; status: number; error?: string }> = [
  { call: 'GET /athlete', scopes: [], status: 200 },
  { call: 'PUT /athlete', scopes: ['profile:read_all'], status: 401, error: missing('profile:write') },
  { call: 'PUT /athlete', scopes: ['profile:write'], status: 200, body: () => new URLSearchParams({ weight: '61.5' }) },
  { call: 'GET /athlete/zones', scopes: ['activity:read_all'], status: 401, error: missing('profile:read_all') },
  { call: 'GET /athlete/zones', scopes: ['profile:read_all'], status: 200 },
  { call: 'GET /athletes/{id}/stats', scopes: [], path: () => '/athletes/1/stats', status: 200 },
  { call: 'GET /athletes/{id}/stats', scopes: [], path: () => '/athletes/2/stats', status: 403, error: errorText('Forbidden', 'Athlete', 'id', 'invalid') },
  { call: 'GET /athlete/activities', scopes: [], status: 401, error: missing('activity:read') },
  { call: 'GET /athlete/activities', scopes: ['profile:read_all', 'activity:write'], status: 401, error: missing('activity:read') },
  { call: 'GET /athlete/activities', scopes: ['activity:read'], status: 200 },
  { call: 'GET /athlete/activities', scopes: ['activity:read_all'], status: 200 },
  { call: 'GET /activities/{id}', scopes: ['activity:write'], path: (emu) => `/activities/${activityId(emu, 'everyone')}`, status: 401, error: missing('activity:read') },
  { call: 'GET /activities/{id}', scopes: ['activity:read'], path: (emu) => `/activities/${activityId(emu, 'everyone')}`, status: 200 },
  { call: 'GET /activities/{id} (Only You)', scopes: ['activity:read'], path: (emu) => `/activities/${activityId(emu, 'only_me')}`, status: 401, error: missing('activity:read_all') },
  { call: 'GET /activities/{id} (Only You)', scopes: ['activity:read_all'], path: (emu) => `/activities/${activityId(emu, 'only_me')}`, status: 200 },
  { call: 'GET /activities/{id} (unknown)', scopes: ['activity:read'], path: () => '/activities/42', status: 404, error: errorText('Record Not Found', 'Activity', 'id', 'invalid') },
  { call: 'PUT /activities/{id}', scopes: ['activity:read_all'], path: (emu) => `/activities/${activityId(emu, 'everyone')}`, status: 401, error: missing('activity:write') },
  { call: 'PUT /activities/{id} (Only You)', scopes: ['activity:read', 'activity:write'], path: (emu) => `/activities/${activityId(emu, 'only_me')}`, status: 401, error: missing('activity:read_all') },
  { call: 'PUT /activities/{id} (Only You)', scopes: ['activity:read_all', 'activity:write'], path: (emu) => `/activities/${activityId(emu, 'only_me')}`, status: 200, body: () => new URLSearchParams({ name: 'Renamed' }) },
  { call: 'POST /activities', scopes: ['activity:read_all'], status: 401, error: missing('activity:write') },
  { call: 'POST /uploads', scopes: ['activity:read_all', 'profile:write'], status: 401, error: missing('activity:write') },
  { call: 'GET /uploads/{id}', scopes: ['activity:read'], path: () => '/uploads/1', status: 401, error: missing('activity:write') },
  { call: 'GET /uploads/{id}', scopes: ['activity:write'], path: () => '/uploads/1', status: 404, error: errorText('Record Not Found', 'Upload', 'id', 'invalid') },
];

describe('scopes per endpoint (protocol section 7)', () => {
  for (const row of rows) {
    const granted = ['read', ...row.scopes].join(',');
    test(`${row.call} with ${granted}: ${row.status}${row.error ? ` ${row.error}` : ''}`, async (t) => {
      const emu = await startTestEmulator(t);
      const token = emu.issueTokens({ scopes: row.scopes }).access_token;
      const [method, template] = row.call.split(' ') as [string, string];
      const answer = await api(emu, token, method, row.path?.(emu) ?? template, row.body?.());
      assert.equal(answer.status, row.status, answer.text);
      if (row.error) assert.equal(answer.text, row.error);
    });
  }
});

describe('GET /athlete', () => {
  test('the summary athlete without profile:read_all, the detailed one with it', async (t) => {
    const emu = await startTestEmulator(t);
    const summary = await api(emu, emu.issueTokens({ scopes: [] }).access_token, 'GET', '/athlete');
    assert.equal(summary.body.resource_state, 2);
    assert.equal(summary.body.bikes, undefined);
    const detailed = await api(emu, emu.issueTokens({ scopes: ['profile:read_all'] }).access_token, 'GET', '/athlete');
    assert.equal(detailed.body.resource_state, 3);
    assert.deepEqual(detailed.body.bikes.map((b: { id: string }) => b.id), ['b1000001']);
    assert.equal(detailed.body.measurement_preference, 'meters');
  });

  test('PUT /athlete changes weight and FTP; the FTP brings power zones', async (t) => {
    const emu = await startTestEmulator(t);
    const token = emu.issueTokens({ scopes: ['profile:write', 'profile:read_all'] }).access_token;
    const updated = await api(emu, token, 'PUT', '/athlete?weight=70.2', new URLSearchParams({ ftp: '250' }));
    assert.deepEqual([updated.status, updated.body.weight, updated.body.ftp], [200, 70.2, 250]);
    assert.equal((await api(emu, token, 'GET', '/athlete')).body.weight, 70.2);
    const zones = await api(emu, token, 'GET', '/athlete/zones');
    assert.deepEqual(zones.body.power.zones.at(-1), { min: 375, max: -1 });
    const bad = await api(emu, token, 'PUT', '/athlete', new URLSearchParams({ weight: 'heavy' }));
    assert.equal(bad.text, errorText('Bad Request', 'Athlete', 'weight', 'invalid'));
  });
});

describe('the access token', () => {
  test('travels only in the Authorization header (as from 2027-06-01): a query token is no token', async (t) => {
    const emu = await startTestEmulator(t);
    const token = emu.issueTokens({ scopes: [] }).access_token;
    const inQuery = await api(emu, undefined, 'GET', `/athlete?access_token=${token}`);
    assert.deepEqual([inQuery.status, inQuery.text], [401, INVALID_TOKEN]);
    assert.equal((await api(emu, token, 'GET', '/athlete')).status, 200);
  });

  test('an expired token is refused with Athlete/access_token/invalid and no rate-limit headers', async (t) => {
    const emu = await startTestEmulator(t);
    const token = emu.issueTokens({ scopes: [] }).access_token;
    emu.clock.advance(6 * 3600);
    const answer = await api(emu, token, 'GET', '/athlete');
    assert.deepEqual([answer.status, answer.text], [401, INVALID_TOKEN]);
    assert.equal(answer.headers.get('x-ratelimit-usage'), null);
  });
});

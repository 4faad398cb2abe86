/**
 * The commonest Strava support question, prevented: a call the token's scopes cannot make fails
 * with `MissingScopeError` BEFORE any request is sent, naming the scope and the login command that
 * grants it; Strava's own `401 AccessToken/*_permission/missing` becomes the same error.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StravaClient } from '../src/client/strava-client.ts';
import { MissingScopeError } from '../src/core/errors/missing-scope-error.ts';
import { NotFoundError } from '../src/core/errors/not-found-error.ts';
import { normalizeScopes, type Scope } from '../src/core/scopes.ts';
import { MemoryStore } from '../src/tokens/memory-store.ts';
import { TokenManager } from '../src/tokens/token-manager.ts';
import { clientFixture } from './helpers/api.ts';
import { startTestEmulator } from './helpers/emulator.ts';

const GPX = new TextEncoder().encode('<gpx></gpx>');

const preflight: Array<{ call: string; scopes: string[]; run: (c: StravaClient) => Promise<unknown>; endpoint: string; missing: string[] }> = [
  { call: 'listActivities', scopes: [], run: (c) => c.listActivities(), endpoint: 'GET /athlete/activities', missing: ['activity:read'] },
  { call: 'listActivities', scopes: ['profile:read_all', 'activity:write'], run: (c) => c.listActivities(), endpoint: 'GET /athlete/activities', missing: ['activity:read'] },
  { call: 'paginate', scopes: ['profile:write'], run: (c) => c.paginate('/athlete/activities').next(), endpoint: 'GET /athlete/activities', missing: ['activity:read'] },
  { call: 'getActivity', scopes: ['activity:write'], run: (c) => c.getActivity(1), endpoint: 'GET /activities/{id}', missing: ['activity:read'] },
  { call: 'getAthleteZones', scopes: ['activity:read_all'], run: (c) => c.getAthleteZones(), endpoint: 'GET /athlete/zones', missing: ['profile:read_all'] },
  { call: 'updateAthlete', scopes: ['profile:read_all'], run: (c) => c.updateAthlete({ weight: 60 }), endpoint: 'PUT /athlete', missing: ['profile:write'] },
  { call: 'createActivity', scopes: ['activity:read_all'], run: (c) => c.createActivity({ name: 'x', sport_type: 'Run', start_date_local: '2026-11-20T07:00:00', elapsed_time: 60 }), endpoint: 'POST /activities', missing: ['activity:write'] },
  { call: 'updateActivity', scopes: ['activity:read_all'], run: (c) => c.updateActivity(1, { name: 'x' }), endpoint: 'PUT /activities/{id}', missing: ['activity:write'] },
  { call: 'uploadActivity', scopes: ['activity:read'], run: (c) => c.uploadActivity({ file: GPX, filename: 'a.gpx' }), endpoint: 'POST /uploads', missing: ['activity:write'] },
  { call: "request('GET', '/uploads/7')", scopes: ['activity:read_all'], run: (c) => c.request('GET', '/uploads/7'), endpoint: 'GET /uploads/{id}', missing: ['activity:write'] },
];

describe('preflight: a missing scope fails before anything is sent', () => {
  for (const row of preflight) {
    const granted = ['read', ...row.scopes];
    test(`${row.call} with ${granted.join(',')}: MissingScopeError for ${row.missing.join(',')}`, async (t) => {
      const { emu, client } = await clientFixture(t, { scopes: row.scopes });
      const error = await row.run(client).catch((e: unknown) => e);
      assert.ok(error instanceof MissingScopeError, String(error));
      assert.deepEqual([error.missing, error.granted, error.endpoint, error.preflight, error.status], [row.missing, granted, row.endpoint, true, 401]);
      assert.deepEqual(error.scopesToRequest, normalizeScopes([...granted, ...row.missing] as Scope[]), 'in Strava\'s order');
      assert.equal(error.loginCommand, undefined, 'no command configured: the remedy is neutral');
      assert.deepEqual(emu.stats().calls, {}, 'no request reached Strava');
    });
  }

  test('the message names the call, the scope, what the token has, and the new authorization', async (t) => {
    const { client } = await clientFixture(t, { scopes: ['profile:read_all'] });
    await assert.rejects(client.listActivities(), {
      name: 'MissingScopeError',
      code: 'missing_scope',
      message:
        "GET /athlete/activities needs the activity:read scope, but the token only has read, profile:read_all. Ask the athlete to authorize the app again with scope=read,profile:read_all,activity:read and to leave its box ticked on Strava's consent page.",
    });
  });

  test('implied scopes count: activity:read_all covers activity:read', async (t) => {
    const { client } = await clientFixture(t, { scopes: ['activity:read_all'] });
    assert.equal((await client.listActivities({ per_page: 2 })).length, 2);
  });

  test('loginCommand may be your own command, given the scopes to ask for', async (t) => {
    const { client } = await clientFixture(t, { scopes: [], client: { loginCommand: (scopes) => `myapp connect-strava --scopes=${scopes.join(',')}` } });
    const error = (await client.getAthleteZones().catch((e: unknown) => e)) as MissingScopeError;
    assert.equal(error.loginCommand, 'myapp connect-strava --scopes=read,profile:read_all');
  });
});

describe("Strava's own 401 AccessToken/*_permission/missing", () => {
  test('an Only You activity with activity:read: Strava refuses it, the client says activity:read_all is missing', async (t) => {
    const { emu, client } = await clientFixture(t, { scopes: ['activity:read'] });
    const onlyMe = emu.activitiesOf(1).find((a) => a.visibility === 'only_me')!;
    const error = await client.getActivity(onlyMe.id as number).catch((e: unknown) => e);
    assert.ok(error instanceof MissingScopeError);
    assert.deepEqual([error.missing, error.granted, error.endpoint, error.status], [['activity:read_all'], ['read', 'activity:read'], 'GET /activities/{id}', 401]);
    assert.deepEqual(emu.stats().calls, { 'GET /api/v3/activities/{id}': 1 }, 'sent once: no refresh, no retry');
  });

  test('its remedy names your loginCommand, given the scopes granted and missing', async (t) => {
    const asked: Array<readonly string[]> = [];
    const loginCommand = (scopes: readonly string[]) => (asked.push(scopes), `myapp connect-strava --scopes=${scopes.join(',')}`);
    const { emu, client } = await clientFixture(t, { scopes: ['activity:read'], client: { loginCommand } });
    assert.equal((await client.listActivities({ per_page: 1 })).length, 1);
    assert.deepEqual(asked, [], 'a call that succeeds asks for no command');
    const onlyMe = emu.activitiesOf(1).find((a) => a.visibility === 'only_me')!;
    const error = await client.getActivity(onlyMe.id as number).catch((e: unknown) => e);
    assert.ok(error instanceof MissingScopeError && !error.preflight, String(error));
    assert.equal(error.loginCommand, 'myapp connect-strava --scopes=read,activity:read,activity:read_all');
    assert.match(error.remedy, /: myapp connect-strava --scopes=read,activity:read,activity:read_all$/);
  });

  test('tokens imported without their scopes are not preflighted: Strava decides, and its 401 is the same error', async (t) => {
    const emu = await startTestEmulator(t);
    const issued = emu.issueTokens({ scopes: ['profile:read_all'] });
    const manager = await TokenManager.fromTokens({
      oauth: { clientId: emu.clientId, clientSecret: emu.clientSecret, baseUrl: emu.url, clock: emu.clock },
      tokens: { access_token: issued.access_token, refresh_token: issued.refresh_token, expires_at: issued.expires_at },
      store: new MemoryStore(),
    });
    const client = new StravaClient({ tokens: manager, apiBaseUrl: `${emu.url}/api/v3`, clock: emu.clock });
    assert.equal((await client.getAthleteZones()).heart_rate?.zones.length, 5, 'zones need profile:read_all, which the token has');
    const error = await client.listActivities().catch((e: unknown) => e);
    assert.ok(error instanceof MissingScopeError);
    assert.deepEqual([error.missing, error.status], [['activity:read'], 401]);
  });

  test('a bare access token is preflighted only when its scopes are declared', async (t) => {
    const emu = await startTestEmulator(t);
    const token = emu.issueTokens({ scopes: [] }).access_token;
    const base = { tokens: token, apiBaseUrl: `${emu.url}/api/v3`, clock: emu.clock };
    const declared = await new StravaClient({ ...base, scopes: 'read' }).listActivities().catch((e: unknown) => e);
    assert.deepEqual([(declared as MissingScopeError).preflight, emu.stats().calls], [true, {}]);
    const undeclared = await new StravaClient(base).listActivities().catch((e: unknown) => e);
    assert.deepEqual([(undeclared as MissingScopeError).preflight, (undeclared as MissingScopeError).status, emu.stats().calls], [false, 401, { 'GET /api/v3/athlete/activities': 1 }]);
  });

  test('an endpoint the scope table does not know is sent as is', async (t) => {
    const { emu, client } = await clientFixture(t, { scopes: [] });
    await assert.rejects(client.request('GET', '/no/such/endpoint'), NotFoundError);
    assert.equal(emu.stats().notFound, 1);
  });
});

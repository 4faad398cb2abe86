/**
 * `statePath`: what a CLI's `--emulator` mode relies on to keep tokens across runs.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { ManualClock } from '../src/core/clock.ts';
import { startEmulator, type Emulator } from '../src/emulator/index.ts';
import { api, fixturePath } from './helpers/api.ts';
import { authorize, introspect, login, refresh, startTestEmulator } from './helpers/emulator.ts';

function tempStatePath(t: TestContext): { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'strava-emulator-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, path: join(dir, 'nested', 'state.json') };
}

test('tokens, codes and approvals survive a restart', async (t) => {
  const { path } = tempStatePath(t);
  const clock = new ManualClock({ frozen: true });
  const first = await startTestEmulator(t, { statePath: path, clock });
  const tokens = await login(first, 'activity:read');
  first.addAthlete({ id: 5, firstname: 'Kept' });
  await first.close();

  const second = await startTestEmulator(t, { statePath: path, clock });
  assert.equal((await introspect(second, tokens.access_token)).status, 200, 'access token still valid');
  second.setConsent(null);
  assert.equal((await authorize(second, { scope: 'activity:read' })).status, 302, 'approval remembered');
  assert.equal(second.issueTokens({ scopes: [], athleteId: 5 }).athlete.firstname, 'Kept');
  clock.advance(6 * 3600);
  const renewed = await refresh(second, tokens.refresh_token);
  assert.equal(renewed.status, 200, 'refresh token still valid');
  await second.close();

  const third = await startTestEmulator(t, { statePath: path, clock });
  assert.equal((await refresh(third, tokens.refresh_token)).status, 400, 'the rotation was saved too');
  assert.equal((await refresh(third, renewed.body.refresh_token)).status, 200);
});

test('the file is saved before the response is sent, with mode 0600, atomically (no temp files left)', async (t) => {
  const { path } = tempStatePath(t);
  const emu = await startTestEmulator(t, { statePath: path });
  const tokens = await login(emu);
  const saved = JSON.parse(readFileSync(path, 'utf8'));
  assert.equal(saved.version, 1);
  assert.equal(saved.grants[0].refreshToken, tokens.refresh_token);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(join(path, '..')), ['state.json']);
});

test('changes made through the Emulator object are saved too', async (t) => {
  const { path } = tempStatePath(t);
  const emu = await startTestEmulator(t, { statePath: path });
  const tokens = emu.issueTokens({ scopes: ['read'] });
  await Promise.resolve(); // saves are coalesced into a microtask
  assert.equal(JSON.parse(readFileSync(path, 'utf8')).grants[0].refreshToken, tokens.refresh_token);
});

for (const broken of ['{"something":"else"}', 'not json at all']) {
  test(`a broken state file (${broken}) stops the start with a clear message instead of being overwritten`, async (t) => {
    const { dir } = tempStatePath(t);
    const path = join(dir, 'state.json');
    writeFileSync(path, broken);
    await assert.rejects(startEmulator({ statePath: path }), {
      message: `${path} is not an emulator state file (version 1); move it away to start afresh.`,
    });
    assert.equal(readFileSync(path, 'utf8'), broken);
  });
}

/** A manual activity for `token`'s athlete; returns its id. */
async function createActivity(emu: Emulator, token: string, name: string): Promise<number> {
  const form = new URLSearchParams({ name, sport_type: 'Run', start_date_local: '2026-01-02T07:00:00', elapsed_time: '600' });
  const created = await api(emu, token, 'POST', '/activities', form);
  assert.equal(created.status, 201, created.text);
  return created.body.id as number;
}

test('what API calls changed survives a restart: created and edited activities, uploads, FTP, and ids never repeat', async (t) => {
  const { path } = tempStatePath(t);
  const clock = new ManualClock({ frozen: true });
  const first = await startTestEmulator(t, { statePath: path, clock, uploadProcessing: { polls: 1 }, activities: { perAthlete: 5 } });
  const { access_token: token } = await login(first, 'activity:read_all,activity:write,profile:read_all,profile:write');
  const created = await createActivity(first, token, 'Kept run');
  const seeded = (first.activitiesOf(1)[1] as { id: number }).id;
  assert.equal((await api(first, token, 'PUT', `/activities/${seeded}`, new URLSearchParams({ name: 'Edited' }))).status, 200);
  assert.equal((await api(first, token, 'PUT', '/athlete', new URLSearchParams({ ftp: '250', weight: '70' }))).status, 200);
  const upload = new FormData();
  upload.set('file', new Blob([readFileSync(fixturePath('morning-ride.gpx'))]), 'morning-ride.gpx');
  upload.set('data_type', 'gpx');
  const posted = await api(first, token, 'POST', '/uploads', upload);
  assert.equal(posted.status, 201, posted.text);
  await first.close();

  const second = await startTestEmulator(t, { statePath: path, clock, uploadProcessing: { polls: 1 }, activities: { perAthlete: 5 } });
  const polled = await api(second, token, 'GET', `/uploads/${posted.body.id}`);
  assert.equal(polled.body.status, 'Your activity is ready.', 'an upload still processing is finished after the restart');
  assert.equal((await api(second, token, 'GET', `/activities/${created}`)).body.name, 'Kept run');
  assert.equal((await api(second, token, 'GET', `/activities/${seeded}`)).body.name, 'Edited');
  assert.equal((await api(second, token, 'GET', '/athlete')).body.weight, 70);
  assert.equal((await api(second, token, 'GET', '/athlete/zones')).body.power.zones.length > 0, true, 'the FTP was kept');
  const listed = second.activitiesOf(1);
  assert.equal(listed.length, 7, 'five seeded, one created, one uploaded');
  const next = await createActivity(second, token, 'Next');
  assert.ok(![created, polled.body.activity_id].includes(next), `a new id: ${next}`);
  const again = new FormData();
  again.set('file', new Blob([readFileSync(fixturePath('morning-ride.gpx'))]), 'morning-ride.gpx');
  again.set('data_type', 'gpx');
  const secondUpload = await api(second, token, 'POST', '/uploads', again);
  assert.notEqual(secondUpload.body.id, posted.body.id, 'upload ids never repeat');
  assert.match((await api(second, token, 'GET', `/uploads/${secondUpload.body.id}`)).body.error, /duplicate of activity/);
});

test('two emulators sharing one state file (two CLI runs) keep each other\'s writes', async (t) => {
  const { path } = tempStatePath(t);
  const clock = new ManualClock({ frozen: true });
  const a = await startTestEmulator(t, { statePath: path, clock });
  const { access_token: token } = await login(a, 'activity:read_all,activity:write');
  const b = await startTestEmulator(t, { statePath: path, clock }); // loaded the login: the token works
  const ids = [await createActivity(a, token, 'From A'), await createActivity(b, token, 'From B'), await createActivity(a, token, 'From A again')];
  assert.equal(new Set(ids).size, 3, `unique ids across processes: ${ids.join(' ')}`);
  for (const [emu, id, name] of [[b, ids[0], 'From A'], [a, ids[1], 'From B'], [b, ids[2], 'From A again']] as const) {
    assert.equal((await api(emu, token, 'GET', `/activities/${id}`)).body.name, name);
  }
  await Promise.all([a.close(), b.close()]);
  const c = await startTestEmulator(t, { statePath: path, clock });
  const kept = (JSON.parse(readFileSync(path, 'utf8')) as { api: { activities: { records: Array<{ name: string }> } } }).api.activities.records.map((r) => r.name);
  assert.deepEqual(kept.sort(), ['From A', 'From A again', 'From B']);
  assert.equal((await api(c, token, 'GET', `/activities/${ids[1]}`)).status, 200);
  assert.deepEqual(readdirSync(join(path, '..')), ['state.json'], 'no lock or temp file left');
});

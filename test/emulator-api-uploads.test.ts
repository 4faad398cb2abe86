/**
 * The emulator's uploads: `POST /uploads` answers "still being processed"; polls of
 * `GET /uploads/{id}` move the upload to ready (with the new activity's id) or to Strava's error,
 * after N polls or N seconds on the emulator's clock.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { Emulator } from '../src/emulator/index.ts';
import { api, errorText, fixturePath } from './helpers/api.ts';
import { startTestEmulator } from './helpers/emulator.ts';

const PROCESSING = 'Your activity is still being processed.';
const READY = 'Your activity is ready.';
const FAILED = 'There was an error processing your activity.';

function uploadForm(file: string, dataType: string, extra: Record<string, string> = {}): FormData {
  const form = new FormData();
  form.set('file', new Blob([readFileSync(fixturePath(file))]), file);
  form.set('data_type', dataType);
  for (const [key, value] of Object.entries(extra)) form.set(key, value);
  return form;
}

async function upload(emu: Emulator, token: string, file: string, dataType: string, extra?: Record<string, string>) {
  return api(emu, token, 'POST', '/uploads', uploadForm(file, dataType, extra));
}

describe('POST /uploads and polling', () => {
  test('processing, then ready with the activity id at the second poll; the activity comes from the file', async (t) => {
    const emu = await startTestEmulator(t);
    const token = emu.issueTokens({ scopes: ['activity:write', 'activity:read'] }).access_token;
    const created = await upload(emu, token, 'morning-ride.gpx', 'gpx', { external_id: 'my-ride-1' });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body, { id: created.body.id, id_str: String(created.body.id), external_id: 'my-ride-1', error: null, status: PROCESSING, activity_id: null });
    const first = await api(emu, token, 'GET', `/uploads/${created.body.id}`);
    assert.deepEqual([first.body.status, first.body.activity_id], [PROCESSING, null]);
    const second = await api(emu, token, 'GET', `/uploads/${created.body.id}`);
    assert.equal(second.body.status, READY);
    const activity = await api(emu, token, 'GET', `/activities/${second.body.activity_id}`);
    assert.deepEqual(
      [activity.body.name, activity.body.type, activity.body.start_date, activity.body.elapsed_time, activity.body.external_id, activity.body.upload_id],
      ['Harbour loop', 'Ride', '2026-11-22T07:30:00Z', 1800, 'my-ride-1', created.body.id],
    );
    assert.ok(activity.body.distance > 12_000 && activity.body.distance < 15_000, `${activity.body.distance} m`);
  });

  test('time on the emulator clock finishes processing too (default 8 s)', async (t) => {
    const emu = await startTestEmulator(t);
    const token = emu.issueTokens({ scopes: ['activity:write'] }).access_token;
    emu.setUploadProcessing({ polls: 100 });
    const created = await upload(emu, token, 'lunch-run.tcx', 'tcx');
    emu.clock.advance(7);
    assert.equal((await api(emu, token, 'GET', `/uploads/${created.body.id}`)).body.status, PROCESSING);
    emu.clock.advance(1);
    assert.equal((await api(emu, token, 'GET', `/uploads/${created.body.id}`)).body.status, READY);
  });

  for (const [file, dataType] of [['evening-ride.fit', 'fit'], ['morning-ride.gpx.gz', 'gpx.gz'], ['lunch-run.tcx', 'tcx']] as const) {
    test(`${file} as ${dataType} becomes an activity`, async (t) => {
      const emu = await startTestEmulator(t, { uploadProcessing: { polls: 1 } });
      const token = emu.issueTokens({ scopes: ['activity:write'] }).access_token;
      const created = await upload(emu, token, file, dataType);
      const done = await api(emu, token, 'GET', `/uploads/${created.body.id}`);
      assert.deepEqual([done.body.status, done.body.error, typeof done.body.activity_id], [READY, null, 'number']);
    });
  }

  for (const [file, dataType, why] of [
    ['corrupt.gpx', 'gpx', 'a text file'],
    ['morning-ride.gpx', 'fit', 'a GPX file sent as FIT'],
    ['morning-ride.gpx', 'tcx.gz', 'a file that is not gzipped sent as .gz'],
  ] as const) {
    test(`${why} ends in "Improperly formatted data."`, async (t) => {
      const emu = await startTestEmulator(t, { uploadProcessing: { polls: 1 } });
      const token = emu.issueTokens({ scopes: ['activity:write'] }).access_token;
      const created = await upload(emu, token, file, dataType);
      const done = await api(emu, token, 'GET', `/uploads/${created.body.id}`);
      assert.deepEqual([done.body.status, done.body.error, done.body.activity_id], [FAILED, 'Improperly formatted data.', null]);
    });
  }

  test('the same file twice: the second is a duplicate of the first activity', async (t) => {
    const emu = await startTestEmulator(t, { uploadProcessing: { polls: 1 } });
    const token = emu.issueTokens({ scopes: ['activity:write'] }).access_token;
    const first = await api(emu, token, 'GET', `/uploads/${(await upload(emu, token, 'morning-ride.gpx', 'gpx')).body.id}`);
    const second = await api(emu, token, 'GET', `/uploads/${(await upload(emu, token, 'morning-ride.gpx', 'gpx')).body.id}`);
    assert.deepEqual([second.body.status, second.body.error], [FAILED, `morning-ride.gpx duplicate of activity ${first.body.activity_id}`]);
  });

  test('missing file or unknown data_type is a 400 naming the field; another athlete\'s upload is not found', async (t) => {
    const emu = await startTestEmulator(t);
    const token = emu.issueTokens({ scopes: ['activity:write'] }).access_token;
    const noFile = new FormData();
    noFile.set('data_type', 'gpx');
    assert.equal((await api(emu, token, 'POST', '/uploads', noFile)).text, errorText('Bad Request', 'Upload', 'file', 'missing'));
    assert.equal((await upload(emu, token, 'morning-ride.gpx', 'kml')).text, errorText('Bad Request', 'Upload', 'data_type', 'invalid'));
    const created = await upload(emu, token, 'morning-ride.gpx', 'gpx');
    const other = emu.issueTokens({ athleteId: 2, scopes: ['activity:write'] }).access_token;
    assert.equal((await api(emu, other, 'GET', `/uploads/${created.body.id}`)).status, 404);
  });
});

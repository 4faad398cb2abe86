/**
 * Uploads: `uploadActivity` posts a FIT/GPX/TCX file (optionally gzipped) and polls until Strava
 * reports the new activity's id (resolves) or an error (`UploadError`), or gives up
 * (`UploadTimeoutError`). Polling waits move the emulator's clock.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { dataTypeFromFilename } from '../src/client/upload-data-type.ts';
import { UploadError } from '../src/client/errors/upload-error.ts';
import { UploadFormatError } from '../src/client/errors/upload-format-error.ts';
import { UploadTimeoutError } from '../src/client/errors/upload-timeout-error.ts';
import { type Upload } from '../src/client/models.ts';
import { readUploadFile } from '../src/node/read-upload-file.ts';
import { clientFixture, fixturePath } from './helpers/api.ts';

const PROCESSING = 'Your activity is still being processed.';
const READY = 'Your activity is ready.';

describe('uploadActivity', () => {
  test('polls to success: resolves once the activity id is known, reporting each status', async (t) => {
    const { emu, client, sleeps } = await clientFixture(t, { scopes: ['activity:write', 'activity:read'] });
    const progress: Array<[string, number | null]> = [];
    const upload = await client.uploadActivity(
      { file: readFileSync(fixturePath('morning-ride.gpx')), filename: 'morning-ride.gpx', name: 'Before work' },
      { onProgress: (u) => progress.push([u.status, u.activity_id]) },
    );
    assert.equal(upload.status, READY);
    assert.deepEqual(progress, [[PROCESSING, null], [PROCESSING, null], [READY, upload.activity_id]]);
    assert.deepEqual(sleeps, [2000, 2000]);
    const activity = await client.getActivity(upload.activity_id!);
    assert.deepEqual([activity.name, activity.upload_id], ['Before work', upload.id]);
    assert.deepEqual(emu.stats().calls, { 'POST /api/v3/uploads': 1, 'GET /api/v3/uploads/{id}': 2, 'GET /api/v3/activities/{id}': 1 });
  });

  test('polls to an error: UploadError with Strava\'s message', async (t) => {
    const { client } = await clientFixture(t, { scopes: ['activity:write'] });
    const error = await client.uploadActivity({ file: readFileSync(fixturePath('corrupt.gpx')), filename: 'corrupt.gpx' }).catch((e: unknown) => e);
    assert.ok(error instanceof UploadError);
    assert.deepEqual([error.code, error.upload.error, error.duplicateOf], ['upload_failed', 'Improperly formatted data.', undefined]);
    assert.equal(
      error.message,
      `Strava could not process upload ${error.uploadId}: Improperly formatted data. Check that the file is a complete FIT, GPX or TCX recording and that its data type matches, then upload it again.`,
    );
  });

  test('a duplicate names the activity it duplicates', async (t) => {
    const { client } = await clientFixture(t, { scopes: ['activity:write'] });
    const file = { file: readFileSync(fixturePath('lunch-run.tcx')), filename: 'lunch-run.tcx' };
    const first = await client.uploadActivity(file);
    const error = (await client.uploadActivity(file).catch((e: unknown) => e)) as UploadError;
    assert.deepEqual([error.code, error.duplicateOf], ['upload_duplicate', first.activity_id]);
    assert.match(error.message, new RegExp(`duplicate of activity ${first.activity_id}\\. The file was uploaded before, as https://www\\.strava\\.com/activities/${first.activity_id}`));
  });

  test('gives up after timeoutMs on the clock: UploadTimeoutError with the last status', async (t) => {
    const { emu, client, sleeps } = await clientFixture(t, { scopes: ['activity:write'] });
    emu.setUploadProcessing({ polls: 1000, seconds: 3600 });
    const error = await client
      .uploadActivity({ file: readFileSync(fixturePath('evening-ride.fit')), filename: 'evening-ride.fit' }, { pollIntervalMs: 2000, timeoutMs: 5000 })
      .catch((e: unknown) => e);
    assert.ok(error instanceof UploadTimeoutError);
    assert.deepEqual(sleeps, [2000, 2000, 1000]);
    assert.equal(error.message, `Upload ${error.uploadId} was still processing after 5 s (Strava said: "${PROCESSING}"). Strava may still finish it: look again later with GET /uploads/${error.uploadId} (strava-auth api /uploads/${error.uploadId}), or wait longer.`);
  });

  test('sent again after 429s (waiting for the window), the upload carries the whole file: Strava sees the same bytes', async (t) => {
    const { emu, client, sleeps } = await clientFixture(t, { scopes: ['activity:write'], client: { rateLimit: { wait: true } } });
    // Several MB, so the body goes out in many chunks; the track points come last.
    const gpx = readFileSync(fixturePath('morning-ride.gpx'), 'utf8').replace('<trk>', `<!-- ${'0123456789abcdef'.repeat(256 * 1024)} --><trk>`);
    const file = new TextEncoder().encode(gpx);
    emu.faults.set({ match: 'POST /uploads', rateLimitBurst: { count: 2 } });
    const upload = await client.uploadActivity({ file, filename: 'morning-ride.gpx' });
    assert.equal(emu.stats().calls['POST /api/v3/uploads'], 3, 'sent three times');
    assert.equal(sleeps.filter((ms) => ms > 60_000).length, 2, 'after two rate-limit waits');
    assert.equal(typeof upload.activity_id, 'number');
    // Strava refuses a file it has seen byte for byte (the emulator compares SHA-256 hashes).
    const again = await client.uploadActivity({ file, filename: 'again.gpx' }).catch((e: unknown) => e);
    assert.ok(again instanceof UploadError, String(again));
    assert.equal(again.duplicateOf, upload.activity_id);
  });

  test('createUpload returns at once; waitForUpload finishes the job later', async (t) => {
    const { client } = await clientFixture(t, { scopes: ['activity:write'] });
    const started: Upload = await client.createUpload({ file: new Blob([readFileSync(fixturePath('morning-ride.gpx.gz'))]), filename: 'morning-ride.gpx.gz', externalId: 'ext-1' });
    assert.deepEqual([started.status, started.activity_id, started.external_id], [PROCESSING, null, 'ext-1']);
    assert.equal(typeof (await client.waitForUpload(started)).activity_id, 'number');
  });
});

describe('files and formats', () => {
  test('readUploadFile (src/node) reads a path and tells the format from the extension', async (t) => {
    const { client } = await clientFixture(t, { scopes: ['activity:write'] });
    const file = await readUploadFile(fixturePath('morning-ride.gpx.gz'));
    assert.deepEqual([file.filename, file.dataType, file.file.length], ['morning-ride.gpx.gz', 'gpx.gz', readFileSync(fixturePath('morning-ride.gpx.gz')).length]);
    assert.equal((await client.uploadActivity(file)).status, READY);
  });

  test('data types from file names', () => {
    assert.deepEqual(
      ['a.fit', 'b.FIT.gz', 'c.gpx', 'd.tcx.GZ', 'e.kml', 'f.gz', 'fit'].map(dataTypeFromFilename),
      ['fit', 'fit.gz', 'gpx', 'tcx.gz', undefined, undefined, undefined],
    );
  });

  test('an unknown format is refused before anything is sent', async (t) => {
    const { emu, client } = await clientFixture(t, { scopes: ['activity:write'] });
    await assert.rejects(client.uploadActivity({ file: new Uint8Array([1]), filename: 'notes.txt' }), {
      name: 'UploadFormatError',
      message: 'Cannot tell the format of "notes.txt" from its name. Name the file .fit, .gpx or .tcx (optionally .gz), or give the data type: fit, fit.gz, tcx, tcx.gz, gpx, gpx.gz.',
    });
    await assert.rejects(readUploadFile(fixturePath('corrupt.gpx').replace('.gpx', '.txt')), UploadFormatError);
    assert.deepEqual(emu.stats().calls, {});
  });
});

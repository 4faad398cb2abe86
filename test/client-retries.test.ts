/**
 * Retries: idempotent requests (GET, PUT) are retried on network errors and 5xx with jittered
 * exponential backoff; a POST that may have reached Strava is never sent twice, since a second
 * POST would create a second activity. Faults come from the emulator; waits move its clock.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { StravaClient } from '../src/client/strava-client.ts';
import { DEFAULT_RETRY, NO_RETRY } from '../src/core/retry.ts';
import { NetworkError } from '../src/core/errors/network-error.ts';
import { StravaServerError } from '../src/core/errors/server-error.ts';
import { type FetchLike } from '../src/core/http.ts';
import { clientFixture } from './helpers/api.ts';

const MANUAL = { name: 'Once only', sport_type: 'Run', start_date_local: '2026-11-20T07:00:00', elapsed_time: 1800 };

/** DEFAULT_RETRY's delay before retry `n` lies in [ceiling / 2, ceiling]. */
function assertJittered(sleeps: number[]): void {
  sleeps.forEach((ms, i) => {
    const ceiling = Math.min(DEFAULT_RETRY.maxDelayMs, DEFAULT_RETRY.baseDelayMs * 2 ** i);
    assert.ok(ms >= ceiling / 2 && ms <= ceiling, `retry ${i + 1} waited ${ms} ms, expected ${ceiling / 2}..${ceiling}`);
  });
}

describe('idempotent requests are retried', () => {
  const faults = [
    { what: 'two 503s', fault: { status5xx: { count: 2 } } },
    { what: 'two 500s', fault: { status5xx: { count: 2, status: 500 } } },
    { what: 'two dropped connections', fault: { drop: { count: 2 } } },
  ];
  for (const { what, fault } of faults) {
    test(`GET after ${what}: succeeds on the third attempt, with jittered backoff`, async (t) => {
      const { emu, client, sleeps } = await clientFixture(t, { scopes: [] });
      emu.faults.set({ match: 'GET /athlete', ...fault });
      assert.equal((await client.getAthlete()).id, 1);
      assert.equal(emu.stats().calls['GET /api/v3/athlete'], 3);
      assert.equal(sleeps.length, 2);
      assertJittered(sleeps);
    });
  }

  test('PUT is idempotent too: retried after a 502', async (t) => {
    const { emu, client, sleeps } = await clientFixture(t, { scopes: ['profile:write'] });
    emu.faults.set({ match: 'PUT /athlete', status5xx: { count: 1, status: 502 } });
    assert.equal((await client.updateAthlete({ weight: 58 })).weight, 58);
    assert.deepEqual([emu.stats().calls['PUT /api/v3/athlete'], sleeps.length], [2, 1]);
  });

  test('after three retries the last error is thrown', async (t) => {
    const { emu, client, sleeps } = await clientFixture(t, { scopes: [] });
    emu.faults.set({ status5xx: { count: 10 } });
    await assert.rejects(client.getAthlete(), { name: 'StravaServerError', status: 503, code: 'server_error' });
    assert.deepEqual([emu.stats().calls['GET /api/v3/athlete'], sleeps.length], [4, 3]);
    assertJittered(sleeps);
  });

  test('the retry policy is data: NO_RETRY sends once', async (t) => {
    const { emu, client } = await clientFixture(t, { scopes: [], client: { retry: NO_RETRY } });
    emu.faults.set({ status5xx: { count: 1 } });
    await assert.rejects(client.getAthlete(), StravaServerError);
    assert.equal(emu.stats().calls['GET /api/v3/athlete'], 1);
  });
});

describe('a POST that may have been applied is never retried', () => {
  test('the answer to POST /activities is lost: NetworkError, and exactly one activity exists', async (t) => {
    const { emu, client, sleeps } = await clientFixture(t, { scopes: ['activity:write'] });
    emu.faults.set({ match: 'POST /activities', drop: { count: 1 } });
    await assert.rejects(client.createActivity(MANUAL), NetworkError);
    assert.equal(emu.stats().calls['POST /api/v3/activities'], 1);
    assert.equal(emu.activitiesOf(1).filter((a) => a.name === 'Once only').length, 1);
    assert.deepEqual(sleeps, []);
  });

  test('POST /activities answered 503: thrown at once (the server may have acted before failing)', async (t) => {
    const { emu, client } = await clientFixture(t, { scopes: ['activity:write'] });
    emu.faults.set({ match: 'POST /activities', status5xx: { count: 1 } });
    await assert.rejects(client.createActivity(MANUAL), StravaServerError);
    assert.equal(emu.stats().calls['POST /api/v3/activities'], 1);
  });

  test('POST /uploads with its answer lost: not sent again', async (t) => {
    const { emu, client } = await clientFixture(t, { scopes: ['activity:write'] });
    emu.faults.set({ match: 'POST /uploads', drop: { count: 1 } });
    await assert.rejects(client.uploadActivity({ file: new Uint8Array([1, 2, 3]), filename: 'x.fit' }), NetworkError);
    assert.equal(emu.stats().calls['POST /api/v3/uploads'], 1);
  });

  test('a POST that never left (connection refused) is safe to retry, and is', async (t) => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    let attempts = 0;
    const counting: FetchLike = (input, init) => {
      attempts++;
      return fetch(input, init);
    };
    const sleeps: number[] = [];
    const client = new StravaClient({ tokens: 'token', apiBaseUrl: `http://127.0.0.1:${port}/api/v3`, fetch: counting, sleep: async (ms) => void sleeps.push(ms) });
    await assert.rejects(client.createActivity(MANUAL), NetworkError);
    assert.equal(attempts, 4);
    t.diagnostic(`waited ${sleeps.join(', ')} ms`);
  });
});

test('an aborted request is not retried', async (t) => {
  let attempts = 0;
  const counting: FetchLike = (input, init) => {
    attempts++;
    return fetch(input, init);
  };
  const { client } = await clientFixture(t, { scopes: [], client: { fetch: counting } });
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(client.request('GET', '/athlete', { signal: controller.signal }), NetworkError);
  assert.equal(attempts, 1);
});

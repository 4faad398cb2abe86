/**
 * The client never sends the token outside the API base: paths that climb out with `..` (plain,
 * percent-encoded, double-encoded, with backslashes) are refused before anything is sent.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StravaClient } from '../src/client/strava-client.ts';
import { apiPathProblem } from '../src/client/api-path.ts';
import { startHostileServer } from './fixtures/hostile-server.ts';

const CLIMBING = ['/../../oauth/token', '../x', '/athlete/../../x', '/%2e%2e/x', '/%2E%2e/x', '/.%2e/x', '/%2e./x', '/%252e%252e/x', '/a/..%2f..%2fx', '/a\\..\\..\\x', '/%25252e%25252e/x'];

test('paths that climb out of the API base are refused before sending; ordinary ones go out', { timeout: 20_000 }, async (t) => {
  const echo = await startHostileServer({ mode: 'echo' });
  t.after(() => echo.close());
  const client = new StravaClient({ tokens: 'access-token-for-the-test', apiBaseUrl: `${echo.url}/api/v3`, retry: { retries: 0, baseDelayMs: 0, maxDelayMs: 0 } });
  for (const path of CLIMBING) {
    assert.ok(apiPathProblem(path), path);
    await assert.rejects(client.request('GET', path), (error: unknown) => error instanceof TypeError && /"\.\." segment/.test(error.message), path);
  }
  assert.equal(echo.requests.length, 0, 'nothing was sent');
  for (const path of ['/athlete', '/athlete/activities?per_page=5', '/activities/12/streams/time,latlng', '/segments/..x/y', '/a.b/..c']) {
    assert.equal(apiPathProblem(path), undefined, path);
  }
  await client.request('GET', '/athlete/activities').catch(() => {});
  assert.equal(echo.requests.at(-1)?.url, '/api/v3/athlete/activities');
});

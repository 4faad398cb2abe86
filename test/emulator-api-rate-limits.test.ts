/**
 * Protocol section 5 on the emulator: the four headers on every API answer, enforcement per app
 * with 15-minute windows aligned to the quarter hour and a daily window reset at midnight UTC on
 * the emulator's clock, over-limit requests still counting toward the day, and POST /activities
 * and POST /uploads counting only against the overall budget.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, test } from 'node:test';
import type { Emulator } from '../src/emulator/index.ts';
import { api, errorText } from './helpers/api.ts';
import { startTestEmulator } from './helpers/emulator.ts';

const RATE_LIMITED = errorText('Rate Limit Exceeded', 'Application', 'rate limit', 'exceeded');
/** 2026-11-25 10:14:00 UTC: a minute before a window boundary. */
const T_1014 = Date.UTC(2026, 10, 25, 10, 14);

function usage(headers: Headers): string[] {
  return [headers.get('x-ratelimit-usage') ?? '-', headers.get('x-readratelimit-usage') ?? '-'];
}

async function readAthlete(emu: Emulator, token: string) {
  return api(emu, token, 'GET', '/athlete');
}

describe('rate-limit headers', () => {
  test('every authenticated API answer carries them, errors included', async (t) => {
    const emu = await startTestEmulator(t);
    const token = emu.issueTokens({ scopes: [] }).access_token;
    const ok = await readAthlete(emu, token);
    assert.deepEqual(
      ['x-ratelimit-limit', 'x-ratelimit-usage', 'x-readratelimit-limit', 'x-readratelimit-usage'].map((h) => ok.headers.get(h)),
      ['200,2000', '1,1', '100,1000', '1,1'],
    );
    const scopeError = await api(emu, token, 'GET', '/athlete/activities');
    assert.deepEqual([scopeError.status, ...usage(scopeError.headers)], [401, '2,2', '2,2']);
    const notFound = await api(emu, emu.issueTokens({ scopes: ['activity:read'] }).access_token, 'GET', '/activities/1');
    assert.deepEqual([notFound.status, ...usage(notFound.headers)], [404, '3,3', '3,3']);
  });

  // Strava's casing varies; the emulator can send each spelling so clients are tested on all.
  for (const [headerCase, spaced, names, value] of [
    ['canonical', false, ['X-RateLimit-Limit', 'X-RateLimit-Usage', 'X-ReadRateLimit-Limit', 'X-ReadRateLimit-Usage'], '200,2000'],
    ['lower', true, ['x-ratelimit-limit', 'x-ratelimit-usage', 'x-readratelimit-limit', 'x-readratelimit-usage'], '200, 2000'],
    ['upper', false, ['X-RATELIMIT-LIMIT', 'X-RATELIMIT-USAGE', 'X-READRATELIMIT-LIMIT', 'X-READRATELIMIT-USAGE'], '200,2000'],
  ] as const) {
    test(`spelled ${headerCase}${spaced ? ', with spaces' : ''} on the wire when set so`, async (t) => {
      const emu = await startTestEmulator(t, { rateLimits: { headerCase, spaced } });
      const token = emu.issueTokens({ scopes: [] }).access_token;
      const raw = await new Promise<string[]>((resolve, reject) => {
        request(`${emu.url}/api/v3/athlete`, { headers: { authorization: `Bearer ${token}` } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.rawHeaders));
        })
          .on('error', reject)
          .end();
      });
      const names_ = raw.filter((_, i) => i % 2 === 0 && /ratelimit/i.test(raw[i]!));
      assert.deepEqual(names_, names);
      assert.equal(raw[raw.indexOf(names[0]) + 1], value);
    });
  }

  test('the token endpoint sends none (protocol section 5)', async (t) => {
    const emu = await startTestEmulator(t);
    const issued = emu.issueTokens({ scopes: [] });
    const response = await fetch(`${emu.url}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({ client_id: String(emu.clientId), client_secret: emu.clientSecret, grant_type: 'refresh_token', refresh_token: issued.refresh_token }),
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-ratelimit-usage'), null);
  });
});

describe('enforcement', () => {
  test('the 15-minute window: over the limit is 429 until :15, then usage starts again', async (t) => {
    const emu = await startTestEmulator(t, { rateLimits: { read: [3, 100] } });
    emu.clock.set(T_1014);
    const token = emu.issueTokens({ scopes: [] }).access_token;
    for (let i = 1; i <= 3; i++) assert.equal((await readAthlete(emu, token)).status, 200);
    const refused = await readAthlete(emu, token);
    assert.deepEqual([refused.status, refused.text, ...usage(refused.headers)], [429, RATE_LIMITED, '4,4', '4,4']);
    emu.clock.advance(59);
    assert.equal((await readAthlete(emu, token)).status, 429, 'still 10:14:59');
    emu.clock.advance(1);
    const next = await readAthlete(emu, token);
    assert.deepEqual([next.status, ...usage(next.headers)], [200, '1,6', '1,6']);
  });

  test('the daily window: requests over the short limit count toward it; it resets at midnight UTC', async (t) => {
    const emu = await startTestEmulator(t, { rateLimits: { read: [2, 5] } });
    emu.clock.set(Date.UTC(2026, 10, 25, 23, 40));
    const token = emu.issueTokens({ scopes: [] }).access_token;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await readAthlete(emu, token)).status);
    assert.deepEqual(statuses, [200, 200, 429, 429]);
    emu.clock.advance(5 * 60); // 23:45, a new 15-minute window; the day has 4 requests
    assert.equal((await readAthlete(emu, token)).status, 200);
    const overDay = await readAthlete(emu, token);
    assert.deepEqual([overDay.status, ...usage(overDay.headers)], [429, '2,6', '2,6']);
    emu.clock.advance(14 * 60); // 23:59, still the same day
    assert.equal((await readAthlete(emu, token)).status, 429);
    emu.clock.set(Date.UTC(2026, 10, 26));
    const tomorrow = await readAthlete(emu, token);
    assert.deepEqual([tomorrow.status, ...usage(tomorrow.headers)], [200, '1,1', '1,1']);
  });

  test('POST /activities and POST /uploads count only against the overall budget', async (t) => {
    const emu = await startTestEmulator(t, { rateLimits: { read: [1, 1000] } });
    const token = emu.issueTokens({ scopes: ['activity:write'] }).access_token;
    assert.equal((await readAthlete(emu, token)).status, 200);
    assert.equal((await readAthlete(emu, token)).status, 429, 'the read budget is used up');
    const form = new URLSearchParams({ name: 'Row', sport_type: 'Rowing', start_date_local: '2026-11-20T07:00:00', elapsed_time: '1800' });
    const created = await api(emu, token, 'POST', '/activities', form);
    assert.deepEqual([created.status, ...usage(created.headers)], [201, '3,3', '2,2']);
    const upload = new FormData();
    upload.set('file', new Blob(['not a file']), 'x.gpx');
    upload.set('data_type', 'gpx');
    const uploaded = await api(emu, token, 'POST', '/uploads', upload);
    assert.deepEqual([uploaded.status, ...usage(uploaded.headers)], [201, '4,4', '2,2']);
  });

  test('limits are per app, settable while running, and usage can be forgotten', async (t) => {
    const emu = await startTestEmulator(t, { apps: [{ clientId: 99, clientSecret: 's', callbackDomain: 'localhost' }] });
    const mine = emu.issueTokens({ scopes: [] }).access_token;
    const theirs = emu.issueTokens({ scopes: [], clientId: 99 }).access_token;
    emu.setRateLimits({ overall: [1, 10] });
    assert.equal((await readAthlete(emu, mine)).status, 200);
    assert.equal((await readAthlete(emu, mine)).status, 429);
    assert.equal((await readAthlete(emu, theirs)).status, 200, 'another app has its own budget');
    assert.deepEqual(emu.rateLimitUsage(), { overall: [2, 2], read: [2, 2] });
    emu.resetRateLimitUsage();
    assert.equal((await readAthlete(emu, mine)).status, 200);
    const control = await fetch(`${emu.url}/_emulator/rate-limits`, { method: 'POST', body: JSON.stringify({ overall: [5, 50], resetUsage: true }) });
    assert.deepEqual((await control.json()).settings.overall, [5, 50]);
    assert.deepEqual(emu.rateLimitUsage(), { overall: [0, 0], read: [0, 0] });
    const bad = await fetch(`${emu.url}/_emulator/rate-limits`, { method: 'POST', body: JSON.stringify({ read: [1] }) });
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).message, /\[15-minute limit, daily limit\]/);
  });
});

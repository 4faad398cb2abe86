/**
 * The browser side of `strava-auth serve` over real HTTP: /connect, the emulator's consent, and
 * /callback, on real SQLite; including a callback that lands on another replica.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MemoryServiceStore } from '../src/server/memory-service-store.ts';
import { PENDING_LOGIN_TTL_MS } from '../src/server/routes/connect.ts';
import { createTokenService } from '../src/server/token-service.ts';
import { MemoryStore } from '../src/tokens/memory-store.ts';
import { startTestEmulator } from './helpers/emulator.ts';
import { connectAthlete, startTestService } from './helpers/serve.ts';

function text(html: string): string {
  return html.replace(/<style>[\s\S]*?<\/style>/, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
}

describe('GET /connect and /callback', () => {
  test('connect: 302 to the consent page with a state, the redirect URI is the public URL', async (t) => {
    const emu = await startTestEmulator(t);
    const svc = await startTestService(t, emu);
    const response = await fetch(`${svc.url}/connect?scope=activity:read_all,activity:write`, { redirect: 'manual' });
    assert.equal(response.status, 302);
    const location = new URL(response.headers.get('location')!);
    assert.equal(location.origin + location.pathname, `${emu.url}/oauth/authorize`);
    assert.equal(location.searchParams.get('redirect_uri'), `${svc.url}/callback`);
    assert.equal(location.searchParams.get('scope'), 'activity:read_all,activity:write');
    assert.match(location.searchParams.get('state')!, /^[A-Za-z0-9_-]{43}$/);
  });

  test('the callback lands on another replica on the same database and succeeds', async (t) => {
    const emu = await startTestEmulator(t);
    const first = await startTestService(t, emu);
    const replica = await startTestService(t, emu, { dbPath: first.dbPath });
    const { response } = await connectAthlete(first.url, emu, { athleteId: 4242, callbackOrigin: replica.url });
    assert.equal(response.status, 200);
    assert.match(text(await response.text()), /athlete 4242 \) is connected with read activity:read_all/);
    assert.equal((await first.api('/v1/athletes/4242/token')).status, 200);
  });

  test('unticked scopes: the page lists them and links to a connect asking again for all that was asked (a new grant replaces the old)', async (t) => {
    const emu = await startTestEmulator(t);
    const svc = await startTestService(t, emu);
    const { response } = await connectAthlete(svc.url, emu, { scope: 'activity:read_all,activity:write', untick: ['activity:write'], athleteId: 9 });
    assert.equal(response.status, 200);
    const html = await response.text();
    assert.match(text(html), /Connected, with fewer permissions .* is connected with read activity:read_all \. Not granted: activity:write \./);
    const link = /<a class="button" href="([^"]+)">Grant the missing permissions<\/a>/.exec(html)![1]!.replace(/&amp;/g, '&');
    assert.equal(link, `${svc.url}/connect?scope=activity%3Aread_all%2Cactivity%3Awrite`);
    const view = await (await svc.api('/v1/athletes/9')).json();
    assert.deepEqual(view.scopes, ['read', 'activity:read_all']);
  });

  test('denial: a clear page, nothing stored', async (t) => {
    const emu = await startTestEmulator(t);
    const svc = await startTestService(t, emu);
    const { response } = await connectAthlete(svc.url, emu, { deny: true, athleteId: 10 });
    assert.equal(response.status, 403);
    assert.match(text(await response.text()), /You declined You chose not to connect your Strava account, so nothing was stored\./);
    assert.equal((await svc.api('/v1/athletes/10')).status, 404);
  });

  test('a reused state and a forged state: refused, nothing stored', async (t) => {
    const emu = await startTestEmulator(t);
    const svc = await startTestService(t, emu);
    const { response, callbackUrl } = await connectAthlete(svc.url, emu, { athleteId: 11 });
    assert.equal(response.status, 200);
    const again = await fetch(callbackUrl);
    assert.equal(again.status, 400);
    assert.match(text(await again.text()), /This link is not valid .* it was already used \(a link works once\)\. Nothing was stored\./);
    const forged = new URL(callbackUrl);
    forged.searchParams.set('state', 'forged-state');
    assert.equal((await fetch(forged)).status, 400);
    forged.searchParams.delete('state');
    assert.equal((await fetch(forged)).status, 400);
    assert.equal(emu.stats().grants.authorization_code, 1);
  });

  test('a reused code with a fresh state: Strava refuses it, a clear page', async (t) => {
    const emu = await startTestEmulator(t);
    const svc = await startTestService(t, emu);
    const { callbackUrl } = await connectAthlete(svc.url, emu, { athleteId: 12 });
    const second = new URL((await fetch(`${svc.url}/connect?scope=read`, { redirect: 'manual' })).headers.get('location')!);
    const replay = new URL(callbackUrl);
    replay.searchParams.set('state', second.searchParams.get('state')!);
    const response = await fetch(replay);
    assert.equal(response.status, 400);
    assert.match(text(await response.text()), /This link was already used Strava refused the authorization code/);
    assert.equal(emu.stats().rejectedCodes, 1);
  });

  test('return_to on the allowed list: redirected there with the athlete and scopes; elsewhere refused', async (t) => {
    const emu = await startTestEmulator(t);
    const svc = await startTestService(t, emu, { overrides: { allowedReturnTo: ['https://app.example.com/strava/'] } });
    const { response } = await connectAthlete(svc.url, emu, { athleteId: 13, returnTo: 'https://app.example.com/strava/done?x=1', scope: 'activity:write', untick: ['activity:write'] });
    assert.equal(response.status, 302);
    assert.equal(response.headers.get('location'), 'https://app.example.com/strava/done?x=1&athlete_id=13&scopes=read&missing_scopes=activity%3Awrite');
    for (const bad of ['https://evil.example.com/strava/', 'https://app.example.com/stravax', 'https://app.example.com.evil.com/strava/', 'javascript:alert(1)', '//evil.com']) {
      const refused = await fetch(`${svc.url}/connect?scope=read&return_to=${encodeURIComponent(bad)}`, { redirect: 'manual' });
      assert.equal(refused.status, 400, bad);
    }
  });

  test('an unknown scope is a 400 page that escapes what was sent', async (t) => {
    const emu = await startTestEmulator(t);
    const svc = await startTestService(t, emu);
    const response = await fetch(`${svc.url}/connect?scope=${encodeURIComponent('<script>alert(1)</script>')}`, { redirect: 'manual' });
    assert.equal(response.status, 400);
    const html = await response.text();
    assert.ok(!html.includes('<script>'));
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  });

  test('the service store down: /connect and /callback answer a 503 page with Retry-After, not JSON', async (t) => {
    const emu = await startTestEmulator(t);
    const svc = await startTestService(t, emu);
    await svc.serviceStore.close();
    for (const path of ['/connect?scope=read', '/callback?state=s&code=c']) {
      const response = await fetch(`${svc.url}${path}`, { redirect: 'manual' });
      assert.equal(response.status, 503, path);
      assert.equal(response.headers.get('retry-after'), '5');
      assert.match(response.headers.get('content-type')!, /^text\/html/);
      assert.match(text(await response.text()), /Connecting failed The token store is unavailable right now; nothing stored was changed\./);
    }
  });

  test('at maxPendingLogins unexpired connects: a 503 page and one warning; earlier connects still complete; room again once they expire', async (t) => {
    const emu = await startTestEmulator(t);
    const svc = await startTestService(t, emu, { overrides: { maxPendingLogins: 3 } });
    const connect = () => fetch(`${svc.url}/connect?scope=read`, { redirect: 'manual' });
    const earlier = await connect();
    assert.equal(earlier.status, 302);
    assert.equal((await connect()).status, 302);
    emu.clock.advance(60);
    assert.equal((await connect()).status, 302);
    for (let i = 0; i < 3; i++) {
      const full = await connect();
      assert.equal(full.status, 503);
      assert.equal(full.headers.get('retry-after'), '60');
      assert.equal(full.headers.get('cache-control'), 'no-store');
      assert.match(full.headers.get('content-type')!, /^text\/html/);
      assert.match(text(await full.text()), /strava-auth Too many connects right now This service has too many connects in progress to start another one\. Nothing was stored\. Please try again in a minute\. Connect again$/);
    }
    const warnings = svc.logs.filter((line) => JSON.parse(line).level === 'warn');
    assert.deepEqual(warnings.map((line) => JSON.parse(line)), [{ time: new Date(emu.clock.now()).toISOString(), level: 'warn', msg: 'connect refused: too many pending logins', max_pending_logins: 3, refused: 1 }]);

    // The connect started before the service filled up completes, and frees its place.
    emu.setConsent({ policy: 'approve', athleteId: 77 });
    const consent = await fetch(earlier.headers.get('location')!, { redirect: 'manual' });
    const callback = await fetch(consent.headers.get('location')!, { redirect: 'manual' });
    assert.equal(callback.status, 200);
    assert.match(text(await callback.text()), /athlete 77 \) is connected with read/);
    assert.equal((await connect()).status, 302);
    assert.equal((await connect()).status, 503);

    // Just over ten minutes after the second connect, which nobody finished: it has expired, its place is free.
    emu.clock.advance(PENDING_LOGIN_TTL_MS / 1000 - 59);
    assert.equal((await connect()).status, 302);
    assert.equal((await connect()).status, 503);
    // And once the two started a minute later expire, two more connects fit.
    emu.clock.advance(60);
    assert.equal((await connect()).status, 302);
    assert.equal((await connect()).status, 302);
    assert.equal((await connect()).status, 503);
    // A warning a minute at most, counting the refusals since the last one.
    const refused = svc.logs.map((line) => JSON.parse(line)).filter((line) => line.level === 'warn').map((line) => line.refused);
    assert.deepEqual(refused, [1, 4, 1]);
  });

  test('maxPendingLogins must be a positive integer', () => {
    const stores = { store: new MemoryStore(), serviceStore: new MemoryServiceStore(), oauth: { clientId: 1, clientSecret: 's' }, publicUrl: 'https://tokens.example' };
    for (const bad of [0, -1, 1.5, Number.NaN]) assert.throws(() => createTokenService({ ...stores, maxPendingLogins: bad }), RangeError);
  });

  test("the athlete's name is escaped on the page", async (t) => {
    const emu = await startTestEmulator(t);
    const svc = await startTestService(t, emu);
    emu.addAthlete({ id: 666, firstname: '<img src=x onerror=alert(1)>', lastname: '"&' });
    const { response } = await connectAthlete(svc.url, emu, { athleteId: 666, scope: 'read' });
    const html = await response.text();
    assert.ok(!html.includes('<img'));
    assert.match(html, /<strong>&lt;img src=x onerror=alert\(1\)&gt; &quot;&amp;<\/strong>/);
  });
});

/**
 * Protocol section 1 (authorize, browser step), one case per rule, against the emulator over HTTP.
 * Consent is given by policy here; the HTML page itself is in emulator-consent-page.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  authorize,
  REDIRECT_URI,
  redirectQuery,
  startTestEmulator,
  stravaError,
} from './helpers/emulator.ts';

const INVALID_SCOPE = stravaError('Bad Request', 'Authorize', 'scope', 'invalid');
const INVALID_REDIRECT = stravaError('Bad Request', 'Application', 'redirect_uri', 'invalid');
const INVALID_CLIENT = stravaError('Bad Request', 'Application', 'client_id', 'invalid');

describe('authorize: scope parameter', () => {
  const cases: Array<{ name: string; scope: string | undefined; granted?: string; error?: unknown }> = [
    { name: 'read alone', scope: 'read', granted: 'read' },
    { name: 'read_all gains read', scope: 'read_all', granted: 'read,read_all' },
    { name: 'profile:read_all gains read', scope: 'profile:read_all', granted: 'read,profile:read_all' },
    { name: 'profile:write gains read', scope: 'profile:write', granted: 'read,profile:write' },
    { name: 'activity:read gains read', scope: 'activity:read', granted: 'read,activity:read' },
    { name: 'asking only activity:read_all returns read,activity:read_all', scope: 'activity:read_all', granted: 'read,activity:read_all' },
    { name: 'activity:write gains read', scope: 'activity:write', granted: 'read,activity:write' },
    { name: 'comma list keeps its order', scope: 'activity:write,read,profile:read_all', granted: 'read,activity:write,profile:read_all' },
    { name: 'duplicates count once', scope: 'activity:read,activity:read', granted: 'read,activity:read' },
    { name: 'no scope means read', scope: undefined, granted: 'read' },
    { name: 'space separated list is refused', scope: 'read activity:read', error: INVALID_SCOPE },
    { name: 'comma and space is refused', scope: 'read, activity:read', error: INVALID_SCOPE },
    { name: 'legacy view_private is refused', scope: 'view_private', error: INVALID_SCOPE },
    { name: 'legacy write is refused', scope: 'write', error: INVALID_SCOPE },
    { name: 'legacy public is refused', scope: 'public', error: INVALID_SCOPE },
    { name: 'unknown scope is refused', scope: 'activity:delete', error: INVALID_SCOPE },
    { name: 'one bad name spoils the list', scope: 'read,view_private', error: INVALID_SCOPE },
    { name: 'empty item is refused', scope: 'read,,activity:read', error: INVALID_SCOPE },
  ];
  for (const c of cases) {
    test(c.name, async (t) => {
      const emu = await startTestEmulator(t, { consent: { policy: 'approve' } });
      const response = await authorize(emu, { scope: c.scope });
      if (c.error) {
        assert.equal(response.status, 400);
        assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
        assert.equal(response.headers.get('location'), null, 'a JSON page, not a redirect');
        assert.deepEqual(await response.json(), c.error);
      } else {
        assert.equal(redirectQuery(response).get('scope'), c.granted);
      }
    });
  }
});

describe('authorize: redirect_uri and the Authorization Callback Domain', () => {
  const cases: Array<{ name: string; domain: string; redirectUri: string | undefined; allowed: boolean }> = [
    { name: 'localhost on any port', domain: 'example.com', redirectUri: 'http://localhost:51234/cb', allowed: true },
    { name: '127.0.0.1 on any port', domain: 'example.com', redirectUri: 'http://127.0.0.1:9/cb', allowed: true },
    { name: 'the domain itself', domain: 'example.com', redirectUri: 'https://example.com/strava/callback', allowed: true },
    { name: 'a subdomain', domain: 'example.com', redirectUri: 'https://app.example.com/cb', allowed: true },
    { name: 'any port on the domain', domain: 'example.com', redirectUri: 'https://example.com:8443/cb', allowed: true },
    { name: 'host compared case-insensitively', domain: 'example.com', redirectUri: 'https://EXAMPLE.com/cb', allowed: true },
    { name: 'mobile custom scheme judged by host', domain: 'example.com', redirectUri: 'myapp://example.com/cb', allowed: true },
    { name: 'another domain', domain: 'example.com', redirectUri: 'https://evil.test/cb', allowed: false },
    { name: 'a suffix that is not a subdomain', domain: 'example.com', redirectUri: 'https://notexample.com/cb', allowed: false },
    { name: 'the domain as a prefix of another', domain: 'example.com', redirectUri: 'https://example.com.evil.test/cb', allowed: false },
    { name: 'localhost is not implied for the domain', domain: 'localhost', redirectUri: 'https://example.com/cb', allowed: false },
    { name: 'missing redirect_uri', domain: 'example.com', redirectUri: undefined, allowed: false },
    { name: 'not a URL', domain: 'example.com', redirectUri: 'just words', allowed: false },
  ];
  for (const c of cases) {
    test(`${c.allowed ? 'allows' : 'refuses'} ${c.name}`, async (t) => {
      const emu = await startTestEmulator(t, { callbackDomain: c.domain, consent: { policy: 'approve' } });
      const response = await authorize(emu, { redirect_uri: c.redirectUri });
      if (c.allowed) {
        assert.equal(response.status, 302);
        assert.ok(response.headers.get('location')?.startsWith(`${c.redirectUri}?state=`), 'back to the URI as sent');
      } else {
        assert.equal(response.status, 400);
        assert.deepEqual(await response.json(), INVALID_REDIRECT);
      }
    });
  }
});

describe('authorize: the app', () => {
  const cases = [
    { name: 'unknown client_id', clientId: '999' },
    { name: 'non-numeric client_id', clientId: 'abc' },
    { name: 'missing client_id', clientId: undefined },
  ];
  for (const c of cases) {
    test(`${c.name} is a 400 JSON page`, async (t) => {
      const emu = await startTestEmulator(t);
      const response = await authorize(emu, { client_id: c.clientId });
      assert.equal(response.status, 400);
      assert.equal(await response.text(), JSON.stringify(INVALID_CLIENT));
    });
  }

  test('an inactive app is refused with 403 Application/Status/Inactive', async (t) => {
    const emu = await startTestEmulator(t, {
      apps: [{ clientId: 777, clientSecret: 'inactive-secret', callbackDomain: 'localhost', inactive: true }],
    });
    const response = await authorize(emu, { client_id: '777' });
    assert.equal(response.status, 403);
    assert.deepEqual(await response.json(), stravaError('Forbidden', 'Application', 'Status', 'Inactive'));
  });

  test('response_type other than code is refused', async (t) => {
    const emu = await startTestEmulator(t);
    const response = await authorize(emu, { response_type: 'token' });
    assert.equal(response.status, 400);
    assert.deepEqual(await response.json(), stravaError('Bad Request', 'Authorize', 'response_type', 'invalid'));
  });

  test('a new athlete beyond the athlete capacity sees the 403 "Limit of connected athletes exceeded" page', async (t) => {
    const emu = await startTestEmulator(t, {
      apps: [{ clientId: 55, clientSecret: 'small-secret', callbackDomain: 'localhost', athleteCapacity: 1 }],
    });
    emu.setConsent({ policy: 'approve', athleteId: 1 });
    assert.equal((await authorize(emu, { client_id: '55' })).status, 302, 'the first athlete connects');
    assert.equal((await authorize(emu, { client_id: '55', approval_prompt: 'force' })).status, 302, 'and may come back');

    emu.setConsent({ policy: 'approve', athleteId: 2 });
    const refused = await authorize(emu, { client_id: '55' });
    assert.equal(refused.status, 403);
    assert.match(refused.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(await refused.text(), /Limit of connected athletes exceeded/);
  });
});

describe('authorize: the redirect back', () => {
  test('state is echoed', async (t) => {
    const emu = await startTestEmulator(t, { consent: { policy: 'approve' } });
    assert.equal(redirectQuery(await authorize(emu, { state: 'xyz/+ &=' })).get('state'), 'xyz/+ &=');
  });

  test('state= is present and empty when none was sent', async (t) => {
    const emu = await startTestEmulator(t, { consent: { policy: 'approve' } });
    const location = (await authorize(emu, { scope: 'activity:read_all' })).headers.get('location') ?? '';
    assert.match(location, /^http:\/\/localhost:8080\/callback\?state=&code=[0-9a-f]{40}&scope=read,activity:read_all$/);
  });

  test('an existing query on redirect_uri is kept', async (t) => {
    const emu = await startTestEmulator(t, { consent: { policy: 'approve' } });
    const location = (await authorize(emu, { redirect_uri: 'http://localhost:8080/cb?next=%2Fhome', state: 's1' })).headers.get('location') ?? '';
    assert.match(location, /^http:\/\/localhost:8080\/cb\?next=%2Fhome&state=s1&code=[0-9a-f]{40}&scope=read$/);
  });

  test('denial redirects with state and error=access_denied, and no code', async (t) => {
    const emu = await startTestEmulator(t, { consent: { policy: 'deny' } });
    const response = await authorize(emu, { state: 'abc', scope: 'activity:read' });
    assert.equal(response.headers.get('location'), `${REDIRECT_URI}?state=abc&error=access_denied`);
  });

  test('unticked scopes are not granted, and read cannot be unticked', async (t) => {
    const emu = await startTestEmulator(t, {
      consent: { policy: 'approve', untick: ['read', 'activity:read_all', 'profile:write'] },
    });
    const query = redirectQuery(await authorize(emu, { scope: 'activity:read_all,profile:write,activity:write' }));
    assert.equal(query.get('scope'), 'read,activity:write');
  });

  test('the mobile endpoint behaves like the web one', async (t) => {
    const emu = await startTestEmulator(t, { consent: { policy: 'approve' } });
    const query = redirectQuery(await authorize(emu, { scope: 'activity:read', state: 'm' }, '/oauth/mobile/authorize'));
    assert.equal(query.get('state'), 'm');
    assert.equal(query.get('scope'), 'read,activity:read');
    assert.match(query.get('code') ?? '', /^[0-9a-f]{40}$/);
  });
});

describe('authorize: approval_prompt', () => {
  async function approvedOnce(t: Parameters<typeof startTestEmulator>[0], scope: string) {
    const emu = await startTestEmulator(t, { consent: { policy: 'approve' } });
    assert.equal((await authorize(emu, { scope })).status, 302);
    emu.setConsent(null); // from here on, a page would need a person
    return emu;
  }

  test('auto (the default) skips the page when the athlete already granted these scopes', async (t) => {
    const emu = await approvedOnce(t, 'activity:read_all,profile:read_all');
    const query = redirectQuery(await authorize(emu, { scope: 'activity:read_all', state: 'again' }));
    assert.equal(query.get('scope'), 'read,activity:read_all');
    assert.equal(query.get('state'), 'again');
  });

  test('auto shows the page when a scope was never granted', async (t) => {
    const emu = await approvedOnce(t, 'activity:read');
    const response = await authorize(emu, { scope: 'activity:read,activity:write', approval_prompt: 'auto' });
    assert.equal(response.status, 200);
    assert.match(await response.text(), /<form/);
  });

  test('force always shows the page', async (t) => {
    const emu = await approvedOnce(t, 'activity:read');
    const response = await authorize(emu, { scope: 'activity:read', approval_prompt: 'force' });
    assert.equal(response.status, 200);
    assert.match(await response.text(), /<form/);
  });

  test('a denied request leaves nothing to skip with', async (t) => {
    const emu = await startTestEmulator(t, { consent: { policy: 'deny' } });
    await authorize(emu, { scope: 'activity:read' });
    emu.setConsent(null);
    assert.equal((await authorize(emu, { scope: 'activity:read' })).status, 200);
  });
});

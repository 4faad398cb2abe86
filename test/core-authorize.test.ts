import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AuthorizationDeniedError } from '../src/core/errors/authorization-denied-error.ts';
import { AuthorizationRequest } from '../src/core/authorization-request.ts';
import { CallbackError } from '../src/core/errors/callback-error.ts';
import { StateMismatchError } from '../src/core/errors/state-mismatch-error.ts';
import { buildAuthorizationUrl } from '../src/core/authorize-url.ts';
import { constantTimeEqual, randomToken } from '../src/core/random.ts';
import { parseCallback } from '../src/core/callback.ts';

const base = { clientId: 12345, redirectUri: 'http://127.0.0.1:8080/callback' };

describe('buildAuthorizationUrl', () => {
  test('carries every parameter Strava needs, scopes comma separated', () => {
    const { url, state, scopes } = buildAuthorizationUrl({ ...base, scopes: 'activity:write read' });
    assert.equal(url.origin + url.pathname, 'https://www.strava.com/oauth/authorize');
    assert.equal(url.searchParams.get('client_id'), '12345');
    assert.equal(url.searchParams.get('redirect_uri'), base.redirectUri);
    assert.equal(url.searchParams.get('response_type'), 'code');
    assert.equal(url.searchParams.get('approval_prompt'), 'auto');
    assert.equal(url.searchParams.get('scope'), 'read,activity:write');
    assert.equal(url.searchParams.get('state'), state);
    assert.deepEqual(scopes, ['read', 'activity:write']);
  });
  test('force, mobile and a configurable base URL', () => {
    const { url } = buildAuthorizationUrl({ ...base, approvalPrompt: 'force', variant: 'mobile', baseUrl: 'http://127.0.0.1:9999/' });
    assert.equal(url.origin + url.pathname, 'http://127.0.0.1:9999/oauth/mobile/authorize');
    assert.equal(url.searchParams.get('approval_prompt'), 'force');
    assert.equal(url.searchParams.get('scope'), 'read', 'asking for nothing asks for read');
  });
  test('state is always generated: at least 128 bits, URL-safe, different every time', () => {
    const states = new Set(Array.from({ length: 200 }, () => buildAuthorizationUrl(base).state));
    assert.equal(states.size, 200);
    for (const state of states) {
      assert.match(state, /^[A-Za-z0-9_-]+$/);
      assert.ok(state.length * 6 >= 128, `${state.length} base64url chars`);
    }
    assert.ok(randomToken(4).length >= 22, 'never fewer than 16 bytes');
    assert.throws(() => buildAuthorizationUrl({ ...base, state: '' }), /state must not be empty/);
  });
});

describe('parseCallback', () => {
  const expectedState = 'expected-state';
  const requestedScopes = ['read', 'activity:read_all', 'activity:write'] as const;
  test('accepts the full URL or only its query string', () => {
    const query = 'state=expected-state&code=abc123&scope=read,activity:read_all,activity:write';
    for (const input of [`http://127.0.0.1:8080/callback?${query}`, `?${query}`, query, new URLSearchParams(query)]) {
      assert.deepEqual(parseCallback(input, { expectedState, requestedScopes: [...requestedScopes] }), {
        code: 'abc123',
        scopes: ['read', 'activity:read_all', 'activity:write'],
        missingScopes: [],
      });
    }
  });
  test('reports the scopes the athlete unticked', () => {
    const result = parseCallback('?state=expected-state&code=c&scope=read', { expectedState, requestedScopes: [...requestedScopes] });
    assert.deepEqual(result.scopes, ['read']);
    assert.deepEqual(result.missingScopes, ['activity:read_all', 'activity:write']);
  });
  test('a missing scope parameter means read only', () => {
    assert.deepEqual(parseCallback('state=expected-state&code=c', { expectedState }).scopes, ['read']);
  });
  test('access_denied is a typed error with the next step', () => {
    assert.throws(() => parseCallback('?state=expected-state&error=access_denied', { expectedState }), (e: unknown) => {
      assert.ok(e instanceof AuthorizationDeniedError);
      assert.equal(e.message, 'The athlete declined the authorization on Strava\'s consent page. Run the login again and press "Authorize" to grant access.');
      return true;
    });
  });
  test('a forged or missing state is refused before anything else, even an error', () => {
    assert.throws(() => parseCallback('?state=other&code=c', { expectedState }), StateMismatchError);
    assert.throws(() => parseCallback('?state=other&error=access_denied', { expectedState }), StateMismatchError);
    assert.throws(() => parseCallback('?state=&code=c', { expectedState }), /carries no state/);
    assert.throws(() => parseCallback('?code=c', { expectedState }), StateMismatchError);
  });
  test('no code, or another error, is a CallbackError', () => {
    assert.throws(() => parseCallback('?state=expected-state', { expectedState }), CallbackError);
    assert.throws(() => parseCallback('?state=expected-state&error=server_error', { expectedState }), /error "server_error"/);
  });
  test('constantTimeEqual', () => {
    assert.ok(constantTimeEqual('abc', 'abc'));
    assert.ok(!constantTimeEqual('abc', 'abd'));
    assert.ok(!constantTimeEqual('abc', 'abcd'));
    assert.ok(!constantTimeEqual('', 'a'));
  });
});

describe('AuthorizationRequest', () => {
  test('completes once; a replay is refused', () => {
    const request = AuthorizationRequest.create({ ...base, scopes: 'activity:write' });
    const callback = `${base.redirectUri}?state=${request.state}&code=c1&scope=read,activity:write`;
    assert.throws(() => request.complete(`${base.redirectUri}?state=forged&code=evil`), StateMismatchError);
    assert.equal(request.completed, false, 'a forged callback does not burn the request');
    assert.equal(request.complete(callback).code, 'c1');
    assert.throws(() => request.complete(callback), /already completed/);
    assert.doesNotMatch(JSON.stringify(request), new RegExp(request.state));
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidScopeError } from '../src/core/errors/invalid-scope-error.ts';
import { SCOPES, effectiveScopes, formatScopes, hasScopes, missingScopes, parseScopes } from '../src/core/scopes.ts';
import { scopesForEndpoint } from '../src/core/endpoint-scopes.ts';

describe('parseScopes', () => {
  const cases: Array<{ input: string | string[]; scopes: string[]; warnings?: RegExp[] }> = [
    { input: 'activity:write', scopes: ['activity:write'] },
    { input: 'activity:write,read', scopes: ['read', 'activity:write'] },
    { input: 'activity:write read  profile:read_all', scopes: ['read', 'profile:read_all', 'activity:write'] },
    { input: 'read, activity:read ,read', scopes: ['read', 'activity:read'] },
    { input: ['activity:read', 'activity:read,read_all'], scopes: ['read_all', 'activity:read'] },
    { input: '', scopes: [] },
    {
      input: 'view_private',
      scopes: ['read_all', 'profile:read_all', 'activity:read_all'],
      warnings: [/legacy scope "view_private" no longer exists; using read_all,activity:read_all,profile:read_all/],
    },
    { input: 'write', scopes: ['profile:write', 'activity:write'], warnings: [/"write".*activity:write,profile:write/] },
    { input: 'public', scopes: ['read', 'activity:read'], warnings: [/"public".*read,activity:read/] },
    { input: '(none)', scopes: ['read', 'activity:read'], warnings: [/"\(none\)"/] },
  ];
  for (const { input, scopes, warnings = [] } of cases) {
    test(`${JSON.stringify(input)} → ${scopes.join(',') || '(nothing)'}`, () => {
      const seen: string[] = [];
      assert.deepEqual(parseScopes(input, (w) => seen.push(w)), scopes);
      assert.equal(seen.length, warnings.length);
      warnings.forEach((pattern, i) => assert.match(seen[i]!, pattern));
    });
  }

  test('an unknown scope is an error that lists the valid ones', () => {
    assert.throws(
      () => parseScopes('activity:write,activity:delete,bogus'),
      (error: unknown) => {
        assert.ok(error instanceof InvalidScopeError);
        assert.deepEqual(error.invalid, ['activity:delete', 'bogus']);
        assert.equal(error.code, 'invalid_scope');
        assert.equal(
          error.message,
          'Unknown Strava scopes: "activity:delete", "bogus". Valid scopes are read, read_all, profile:read_all, profile:write, activity:read, activity:read_all, activity:write (comma or space separated).',
        );
        return true;
      },
    );
  });
});

describe('implied scopes and missing()', () => {
  test('read is always granted and activity:read_all covers activity:read', () => {
    assert.deepEqual(effectiveScopes(['activity:read_all']), ['read', 'activity:read', 'activity:read_all']);
    assert.deepEqual(missingScopes(['activity:read', 'read'], ['activity:read_all']), []);
    assert.ok(hasScopes([], ['read']));
  });
  test('activity:read does not cover activity:read_all, nor read_all profile:read_all', () => {
    assert.deepEqual(missingScopes(['activity:read_all', 'profile:read_all'], ['activity:read', 'read_all']), [
      'profile:read_all',
      'activity:read_all',
    ]);
  });
  test('formatScopes joins with commas, no spaces, in Strava order', () => {
    assert.equal(formatScopes(['activity:write', 'read', 'activity:write']), 'read,activity:write');
    assert.equal(SCOPES.length, 7);
  });
});

describe('scopesForEndpoint (protocol section 7)', () => {
  const rows: Array<[string, string, string[], string[]?]> = [
    ['GET', '/athlete', []],
    ['PUT', '/athlete', ['profile:write']],
    ['PUT', '/segments/229781/starred', ['profile:write']],
    ['GET', '/athlete/zones', ['profile:read_all']],
    ['GET', '/athlete/activities?per_page=200', ['activity:read'], ['activity:read_all']],
    ['GET', '/activities/123', ['activity:read'], ['activity:read_all']],
    ['get', '/activities/123/laps', ['activity:read'], ['activity:read_all']],
    ['GET', '/activities/123/comments', ['activity:read'], ['activity:read_all']],
    ['GET', '/activities/123/kudos', ['activity:read'], ['activity:read_all']],
    ['GET', '/activities/123/zones', ['activity:read'], ['activity:read_all']],
    ['GET', '/activities/123/streams', ['activity:read'], ['activity:read_all']],
    ['POST', '/activities', ['activity:write']],
    ['POST', '/uploads', ['activity:write']],
    ['GET', '/uploads/99', ['activity:write']],
    ['PUT', '/activities/5', ['activity:write'], ['activity:read_all']],
    ['GET', '/segment_efforts/7/streams', ['read_all']],
    ['GET', '/routes/7', [], ['read_all']],
    ['GET', '/athletes/1/stats', []],
    ['GET', 'https://www.strava.com/api/v3/activities/123', ['activity:read'], ['activity:read_all']],
    ['GET', '/api/v3/athlete/zones', ['profile:read_all']],
    ['GET', '/segments/starred', [], ['read_all']],
  ];
  for (const [method, path, needs, forPrivate] of rows) {
    test(`${method} ${path} needs ${needs.join(',') || 'any token'}`, () => {
      const rule = scopesForEndpoint(method, path);
      assert.ok(rule, 'rule found');
      assert.deepEqual(rule.needs, needs);
      assert.deepEqual(rule.forPrivate, forPrivate);
    });
  }
  test('a literal segment wins over {id}', () => {
    assert.equal(scopesForEndpoint('GET', '/segments/starred')?.path, '/segments/starred');
    assert.equal(scopesForEndpoint('GET', '/segments/42')?.path, '/segments/{id}');
  });
  test('unknown endpoints are undefined', () => {
    assert.equal(scopesForEndpoint('DELETE', '/activities/1'), undefined);
    assert.equal(scopesForEndpoint('GET', '/nothing/here'), undefined);
  });
});

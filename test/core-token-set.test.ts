import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { describe, test } from 'node:test';
import { ManualClock } from '../src/core/clock.ts';
import { TokenSet } from '../src/core/token-set.ts';
import { parseTokenResponse } from '../src/core/token-response.ts';
import { MalformedResponseError } from '../src/core/errors/malformed-response-error.ts';

const access = 'a'.repeat(40);
const refresh = 'r'.repeat(40);

describe('TokenSet', () => {
  const clock = new ManualClock({ frozen: true, start: 1_800_000_000_000 });
  const tokens = TokenSet.fromData({
    accessToken: access,
    refreshToken: refresh,
    expiresAt: 1_800_000_000 + 21600,
    scopes: ['activity:write', 'read'],
    athlete: { id: 7, firstname: 'Ada' },
  });

  test('never shows its secrets in JSON, toString or inspect', () => {
    for (const text of [JSON.stringify(tokens), String(tokens), inspect(tokens, { depth: 5 }), `${tokens}`]) {
      assert.doesNotMatch(text, /aaaa|rrrr/);
    }
    assert.match(JSON.stringify(tokens), /"accessToken":"\[redacted\]"/);
    assert.equal(tokens.accessToken, access);
    assert.equal(tokens.toData().refreshToken, refresh);
  });
  test('is immutable', () => {
    assert.throws(() => {
      (tokens as unknown as { expiresAt: number }).expiresAt = 0;
    }, TypeError);
    assert.throws(() => (tokens.scopes as string[]).push('read_all'), TypeError);
  });
  test('expiry with a margin, scopes with implication', () => {
    assert.equal(tokens.expiresIn(clock), 21600);
    assert.equal(tokens.isExpired(clock, 300), false);
    assert.equal(tokens.isExpired(new ManualClock({ frozen: true, start: (1_800_000_000 + 21600 - 299) * 1000 }), 300), true);
    assert.ok(tokens.hasScopes('activity:write', 'read'));
    assert.ok(!tokens.hasScopes('activity:read'));
  });
  test('fromData refuses half-filled data', () => {
    assert.throws(() => TokenSet.fromData({ accessToken: access, refreshToken: '', expiresAt: 1, scopes: [] }), /refreshToken/);
    assert.throws(() => TokenSet.fromData({ accessToken: access, refreshToken: refresh, expiresAt: Number.NaN, scopes: [] }), /expiresAt/);
  });
});

describe('parseTokenResponse', () => {
  const clock = new ManualClock({ frozen: true, start: 1_800_000_000_000 });
  const good = { token_type: 'Bearer', expires_at: 1_800_021_600, expires_in: 21600, refresh_token: refresh, access_token: access, athlete: { id: 1 } };
  test('a complete answer becomes a TokenSet carrying the login scopes', () => {
    const set = parseTokenResponse(200, JSON.stringify(good), { scopes: ['read', 'activity:read'], clock });
    assert.equal(set.expiresAt, 1_800_021_600);
    assert.deepEqual(set.scopes, ['read', 'activity:read']);
    assert.equal(set.athlete?.id, 1);
  });
  test('a refresh answer keeps the previous athlete, and a scope field wins when present', () => {
    const { athlete: _drop, ...refreshed } = good;
    const set = parseTokenResponse(200, JSON.stringify({ ...refreshed, scope: 'read activity:read_all' }), {
      scopes: ['read'],
      athlete: { id: 9 },
      clock,
    });
    assert.equal(set.athlete?.id, 9);
    assert.deepEqual(set.scopes, ['read', 'activity:read_all']);
  });
  const broken: Array<[string, string, RegExp]> = [
    ['not JSON', '<html>oops</html>', /not JSON/],
    ['an array', '[]', /not a JSON object/],
    ['no access token', JSON.stringify({ ...good, access_token: undefined }), /access_token is missing/],
    ['no refresh token', JSON.stringify({ ...good, refresh_token: '' }), /refresh_token is missing/],
    ['no expiry', JSON.stringify({ ...good, expires_at: undefined, expires_in: undefined }), /expires_at is missing/],
    ['a MAC token', JSON.stringify({ ...good, token_type: 'mac' }), /not Bearer/],
    ['an athlete without id', JSON.stringify({ ...good, athlete: { name: 'x' } }), /numeric id/],
  ];
  for (const [name, body, message] of broken) {
    test(`${name} is a MalformedResponseError that never quotes the body`, () => {
      assert.throws(() => parseTokenResponse(200, body, { scopes: [], clock }), (e: unknown) => {
        assert.ok(e instanceof MalformedResponseError);
        assert.match(e.message, message);
        assert.doesNotMatch(e.message, /aaaa|rrrr|oops/);
        return true;
      });
    });
  }
});

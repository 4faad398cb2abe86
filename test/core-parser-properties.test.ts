/**
 * Property tests (fast-check) of the two parsers that read what people and browsers send: the
 * callback parser and the scope parser. Whatever the input, they return a well-formed result or
 * throw their own typed errors, and they never accept what they must refuse.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { AuthorizationDeniedError } from '../src/core/errors/authorization-denied-error.ts';
import { CallbackError } from '../src/core/errors/callback-error.ts';
import { InvalidScopeError } from '../src/core/errors/invalid-scope-error.ts';
import { SCOPES, effectiveScopes, formatScopes, isScope, parseScopes, type Scope } from '../src/core/scopes.ts';
import { StateMismatchError } from '../src/core/errors/state-mismatch-error.ts';
import { parseCallback, readCallbackUnchecked } from '../src/core/callback.ts';

const RUNS = 500;
const STATE = 'expected-state-0123456789abcdef';
const LEGACY = ['public', '(none)', 'write', 'view_private'];

/** Text with what parsers trip over: separators, escapes, prototype keys, non-ASCII, control bytes. */
const nasty = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('', ' ', ',', '%', '%zz', '%2C', '&', '=', '?', '#', '://', 'http://[', 'constructor', '__proto__', 'toString', 'hasOwnProperty', '\0', '\x1b]0;x\x07', 'READ', 'activity:', ':', '𝄞'),
  fc.constantFrom(...SCOPES, ...LEGACY),
);

const scopeSubset = fc.subarray([...SCOPES]).chain((scopes) => fc.shuffledSubarray(scopes, { minLength: scopes.length, maxLength: scopes.length }));

/** A callback as a query string, a full URL or a URLSearchParams, built from random pairs. */
const callbackInput = fc
  .record({
    pairs: fc.array(fc.tuple(fc.oneof(fc.constantFrom('code', 'state', 'scope', 'error'), nasty), nasty), { maxLength: 6 }),
    form: fc.constantFrom('query', 'url', 'params', 'raw'),
    prefix: fc.oneof(fc.constantFrom('http://127.0.0.1:8080/callback?', 'https://x/?', '?', '', 'http://[/?', 'strava://?'), nasty),
  })
  .map(({ pairs, form, prefix }) => {
    const params = new URLSearchParams(pairs);
    if (form === 'params') return params;
    if (form === 'url') return `http://127.0.0.1:8080/callback?${params}`;
    if (form === 'query') return params.toString();
    return `${prefix}${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`;
  });

function paramsOf(input: string | URLSearchParams): URLSearchParams | null {
  if (input instanceof URLSearchParams) return input;
  try {
    const text = input.trim();
    return /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? new URL(text).searchParams : new URLSearchParams((text.includes('?') ? text.slice(text.indexOf('?') + 1) : text).split('#')[0]);
  } catch {
    return null;
  }
}

describe('parseCallback', () => {
  test('throws nothing but its typed errors, whatever the input', () => {
    fc.assert(
      fc.property(callbackInput, fc.option(fc.subarray([...SCOPES])), (input, requested) => {
        try {
          parseCallback(input, { expectedState: STATE, ...(requested && { requestedScopes: requested }) });
          readCallbackUnchecked(input, requested ?? undefined);
        } catch (error) {
          assert.ok(error instanceof StateMismatchError || error instanceof CallbackError || error instanceof AuthorizationDeniedError, String(error));
        }
      }),
      { numRuns: RUNS },
    );
  });

  test('never accepts a callback whose state is not the expected one', () => {
    fc.assert(
      fc.property(callbackInput, (input) => {
        const params = paramsOf(input);
        fc.pre(params !== null && params.get('state') !== STATE);
        assert.throws(() => parseCallback(input, { expectedState: STATE }), (error) => error instanceof StateMismatchError || error instanceof CallbackError);
      }),
      { numRuns: RUNS },
    );
  });

  test('what it accepts has the code sent, only known scopes with read, and only requested scopes as missing', () => {
    fc.assert(
      fc.property(nasty, fc.array(nasty, { maxLength: 4 }), fc.subarray([...SCOPES]), fc.constantFrom(',', ' ', '+'), (code, scope, requested, separator) => {
        fc.pre(code !== '');
        const params = new URLSearchParams({ state: STATE, code, scope: scope.join(separator) });
        const result = parseCallback(params, { expectedState: STATE, requestedScopes: requested });
        assert.equal(result.code, code);
        assert.ok(result.scopes.every(isScope) && result.scopes.includes('read'));
        assert.ok(result.missingScopes.every((s) => requested.includes(s) && !effectiveScopes(result.scopes).includes(s)));
      }),
      { numRuns: RUNS },
    );
  });

  test('the scopes Strava lists come back, whatever their order', () => {
    fc.assert(
      fc.property(scopeSubset, (granted) => {
        const result = parseCallback(`?state=${STATE}&code=abc&scope=${granted.join(',')}`, { expectedState: STATE });
        assert.deepEqual(result.scopes, SCOPES.filter((s) => s === 'read' || granted.includes(s)));
      }),
      { numRuns: RUNS },
    );
  });

  test('an error=access_denied with the right state is a denial even when a code is present', () => {
    fc.assert(
      fc.property(nasty, (code) => {
        assert.throws(() => parseCallback(new URLSearchParams({ state: STATE, error: 'access_denied', code }), { expectedState: STATE }), AuthorizationDeniedError);
      }),
      { numRuns: 100 },
    );
  });
});

describe('parseScopes', () => {
  const input = fc.oneof(
    fc.array(nasty, { maxLength: 5 }).chain((parts) => fc.constantFrom(',', ' ', ', ', '\t').map((sep) => parts.join(sep))),
    fc.array(nasty, { maxLength: 4 }),
  );

  test('returns known scopes, once each, in Strava\'s order, or throws InvalidScopeError', () => {
    fc.assert(
      fc.property(input, (value) => {
        let scopes: Scope[];
        try {
          scopes = parseScopes(value, () => {});
        } catch (error) {
          assert.ok(error instanceof InvalidScopeError, String(error));
          assert.ok(error.invalid.length > 0 && error.invalid.every((name) => !isScope(name) && !LEGACY.includes(name)));
          return;
        }
        assert.ok(scopes.every(isScope));
        assert.deepEqual(scopes, SCOPES.filter((s) => scopes.includes(s)), 'sorted, no duplicates');
      }),
      { numRuns: RUNS },
    );
  });

  test('never accepts a name that is neither a scope nor a legacy one', () => {
    fc.assert(
      fc.property(input, (value) => {
        const names = (typeof value === 'string' ? [value] : value).flatMap((part) => part.split(/[\s,]+/)).filter(Boolean);
        fc.pre(names.some((name) => !isScope(name) && !LEGACY.includes(name)));
        assert.throws(() => parseScopes(value, () => {}), InvalidScopeError);
      }),
      { numRuns: RUNS },
    );
  });

  test('what formatScopes writes parses back to the same scopes', () => {
    fc.assert(
      fc.property(scopeSubset, (scopes) => {
        const parsed = parseScopes(scopes.join(' '), () => {});
        assert.deepEqual(parseScopes(formatScopes(parsed), () => {}), parsed);
        assert.deepEqual(parsed, SCOPES.filter((s) => scopes.includes(s)));
      }),
      { numRuns: RUNS },
    );
  });
});

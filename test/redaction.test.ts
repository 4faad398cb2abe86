/**
 * The redactor (every secret out of any text, whatever its encoding) and the terminal sanitiser
 * (no control character from a server reaches the terminal), as examples and as properties.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { REDACTED, Redactor } from '../src/core/redactor.ts';
import { escapeControlCharacters } from '../src/core/terminal-text.ts';

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** The forms a secret takes on its way back from a careless server. */
const ENCODINGS: Record<string, (secret: string) => string> = {
  plain: (s) => s,
  uri: encodeURIComponent,
  form: (s) => new URLSearchParams({ x: s }).toString().slice(2),
  json: (s) => JSON.stringify(s).slice(1, -1),
  'json ascii': (s) => JSON.stringify(s).slice(1, -1).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  'json of form': (s) => JSON.stringify(new URLSearchParams({ x: s }).toString().slice(2)).slice(1, -1),
  'uri lower-case': (s) => encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
};

/** encodeURIComponent throws on a lone surrogate: such a secret has no URI form to look for. */
function attempt(encode: () => string): string | undefined {
  try {
    return encode();
  } catch {
    return undefined;
  }
}

/** The test's own list of what must never reach a terminal (written independently of the module). */
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('Redactor', () => {
  test('a secret is taken out in every encoding a server may echo it in', () => {
    const secret = 'rt+/=?&é%"x\\y';
    const redactor = new Redactor([secret]);
    for (const [name, encode] of Object.entries(ENCODINGS)) {
      assert.equal(redactor.redact(`before ${encode(secret)} after`), `before ${REDACTED} after`, name);
    }
  });

  test('Basic credentials: the base64 of id:secret, padded or not, and base64url', () => {
    const redactor = new Redactor().addBasic(12345, 'sec?ret>>');
    const encoded = base64('12345:sec?ret>>');
    assert.match(encoded, /[+/=]/); // the case worth testing
    for (const form of [encoded, encoded.replace(/=+$/, ''), encoded.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_'), encodeURIComponent(encoded)]) {
      assert.equal(redactor.redact(`Authorization: Basic ${form}.`), `Authorization: Basic ${REDACTED}.`, form);
    }
    assert.equal(redactor.redact('secret is sec?ret>>'), `secret is ${REDACTED}`);
  });

  test('URL userinfo: user:password and the password alone, as written and decoded; a URL without any adds nothing', () => {
    const redactor = new Redactor().addUrl('http://user:PA%40SS@127.0.0.1:9/x');
    assert.equal(redactor.redact('http://user:PA%40SS@127.0.0.1:9/x'), `http://${REDACTED}@127.0.0.1:9/x`);
    assert.equal(redactor.redact('password PA@SS'), `password ${REDACTED}`);
    assert.equal(new Redactor().addUrl('https://www.strava.com').addUrl('not a url').size, 0);
  });

  test('overlapping secrets are replaced as one; short values are never registered', () => {
    const redactor = new Redactor(['abcdef12', 'ef12zzzz', 'abc', '', undefined]);
    assert.equal(redactor.redact('xx abcdef12zzzz yy'), `xx ${REDACTED} yy`);
    assert.equal(redactor.redact('abc read'), 'abc read');
    assert.equal(redactor.size, 2);
  });

  test('redactValue walks arrays and plain objects; copy() learns without changing the original', () => {
    const redactor = new Redactor(['token-123456']);
    assert.deepEqual(redactor.redactValue([{ resource: 'Bearer token-123456', field: '', n: 1 }]), [{ resource: `Bearer ${REDACTED}`, field: '', n: 1 }]);
    const copy = redactor.copy().add('another-secret');
    assert.equal(redactor.redact('another-secret'), 'another-secret');
    assert.equal(copy.redact('another-secret token-123456'), `${REDACTED} ${REDACTED}`);
    assert.equal(JSON.stringify({ redactor }), '{"redactor":"Redactor(1 secrets)"}');
  });

  test('property: random secrets embedded in random text, in any encoding, never survive', () => {
    const secret = fc.string({ unit: fc.oneof(fc.constantFrom('+', '/', '=', '%', '&', '?', '"', '\\', ' ', 'é', '\u0000', '\u{1F600}', '\ud800'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), minLength: 8, maxLength: 40 });
    fc.assert(
      fc.property(
        fc.array(secret, { minLength: 1, maxLength: 3 }),
        fc.array(fc.tuple(fc.string({ unit: 'binary' }), fc.nat(), fc.constantFrom(...Object.keys(ENCODINGS))), { minLength: 1, maxLength: 6 }),
        fc.string({ unit: 'binary' }),
        (secrets, parts, tail) => {
          const redactor = new Redactor(secrets);
          const text = parts.map(([noise, which, encoding]) => noise + (attempt(() => ENCODINGS[encoding]!(secrets[which % secrets.length]!)) ?? '')).join('') + tail;
          const out = redactor.redact(text);
          for (const s of secrets) {
            for (const encode of Object.values(ENCODINGS)) {
              const form = attempt(() => encode(s));
              assert.ok(form === undefined || !out.includes(form), `${JSON.stringify(form)} in ${JSON.stringify(out)}`);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test('property: Basic credentials of random ids and secrets never survive in any base64 form', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 ** 9 }), fc.string({ unit: 'grapheme', minLength: 8, maxLength: 40 }), fc.string(), fc.string(), (id, secret, before, after) => {
        const encoded = base64(`${id}:${secret}`);
        const out = new Redactor().addBasic(id, secret).redact(`${before}Basic ${encoded}${after}`);
        assert.ok(!out.includes(encoded) && !out.includes(encoded.replace(/=+$/, '')) && !out.includes(secret));
      }),
      { numRuns: 200 },
    );
  });

  test('property: text without secrets is left exactly as it was', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const redactor = new Redactor(['a-secret-that-is-not-there']);
        fc.pre(!text.includes('a-secret'));
        assert.equal(redactor.redact(text), text);
      }),
    );
  });
});

describe('escapeControlCharacters', () => {
  test('ESC, BEL, C1, DEL and bidi overrides become visible escapes; ordinary text stays', () => {
    assert.equal(escapeControlCharacters('Marta\x1b]0;pwned\x07 Lindqvist'), 'Marta\\x1b]0;pwned\\x07 Lindqvist');
    assert.equal(escapeControlCharacters('\x1b[31mred\x9b2J\x7f'), '\\x1b[31mred\\x9b2J\\x7f');
    assert.equal(escapeControlCharacters('abc\u202edcba'), 'abc\\u202edcba');
    assert.equal(escapeControlCharacters('line\nnext\tcol\r'), 'line\\x0anext\\x09col\\x0d');
    assert.equal(escapeControlCharacters('line\nnext\tcol\r', { multiline: true }), 'line\nnext\tcol\\x0d');
    assert.equal(escapeControlCharacters('Léa Fontaine 🚴 — Ruairí'), 'Léa Fontaine 🚴 — Ruairí');
  });

  test('property: the output holds no control character (only \\n and \\t with multiline), and clean text is unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        const single = escapeControlCharacters(text);
        assert.ok(!CONTROLS.test(single) && !/[\n\t]/.test(single), JSON.stringify(single));
        const multi = escapeControlCharacters(text, { multiline: true });
        assert.ok(!CONTROLS.test(multi), JSON.stringify(multi));
        if (!CONTROLS.test(text) && !/[\n\t]/.test(text)) assert.equal(single, text);
      }),
      { numRuns: 500 },
    );
  });
});

/**
 * Encryption at rest: the AES-256-GCM cipher, the keys read from the environment, and the sealed
 * secrets every store writes. Real WebCrypto, no stand-ins.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { AesGcmCipher } from '../src/tokens/aes-gcm-cipher.ts';
import { cipherFromEnv } from '../src/tokens/cipher-from-env.ts';
import { CorruptRecordError } from '../src/tokens/errors/corrupt-record-error.ts';
import { DecryptionFailedError } from '../src/tokens/errors/decryption-failed-error.ts';
import { EncryptionKeyMissingError } from '../src/tokens/errors/encryption-key-missing-error.ts';
import { InvalidEncryptionKeyError } from '../src/tokens/errors/invalid-encryption-key-error.ts';
import { UnknownEncryptionKeyError } from '../src/tokens/errors/unknown-encryption-key-error.ts';
import { assertPlaintextAllowed, openSecrets, sealSecrets } from '../src/tokens/sealed-secrets.ts';
import { sealedKeyId } from '../src/tokens/token-cipher.ts';
import { TEST_KEYS, keyIdOf } from './helpers/store-contract.ts';

const [KEY_A, KEY_B] = TEST_KEYS;
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const TOKENS = { accessToken: 'a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2', refreshToken: 'f6e5d4c3b2a1f6e5d4c3b2a1f6e5d4c3b2a1f6e5' };

/** The sealed text with one character of its ciphertext changed. */
function tamper(sealed: string): string {
  const i = sealed.length - 5;
  return sealed.slice(0, i) + (sealed[i] === 'A' ? 'B' : 'A') + sealed.slice(i + 1);
}

describe('AesGcmCipher', () => {
  test('seals to enc:v1:<key id>:<iv>:<ciphertext> and opens it again; every seal draws a new IV', async () => {
    const cipher = await AesGcmCipher.create({ key: KEY_A });
    const one = await cipher.seal('hello', 'default');
    const two = await cipher.seal('hello', 'default');
    assert.match(one, /^enc:v1:[0-9a-f]{8}:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+$/);
    assert.notEqual(one, two);
    assert.notEqual(one.split(':')[3], two.split(':')[3], 'a fresh 96-bit IV each time');
    assert.equal(await cipher.open(one, 'default'), 'hello');
    assert.equal(await (await AesGcmCipher.create({ key: KEY_A })).open(two, 'default'), 'hello', 'another instance with the same key opens it');
  });

  test('round trips any text under any record key (property)', async () => {
    const cipher = await AesGcmCipher.create({ key: KEY_A });
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme' }), fc.string({ minLength: 1, maxLength: 64 }), async (text, context) => {
        const sealed = await cipher.seal(text, context);
        assert.equal(await (await AesGcmCipher.create({ key: KEY_A })).open(sealed, context), text);
      }),
      { numRuns: 100 },
    );
  });

  test("a key's id is the first 8 hex digits of its SHA-256, unless one is given", async () => {
    assert.equal((await AesGcmCipher.create({ key: KEY_A })).currentKeyId, createHash('sha256').update(KEY_A).digest('hex').slice(0, 8));
    assert.equal((await AesGcmCipher.create({ key: b64(KEY_A) })).currentKeyId, keyIdOf(KEY_A), 'base64 text is the same key');
    assert.equal((await AesGcmCipher.create({ key: { key: KEY_A, id: 'k2026' } })).currentKeyId, 'k2026');
  });

  test('a value sealed for one record does not open as another (the record key is bound as additional data)', async () => {
    const cipher = await AesGcmCipher.create({ key: KEY_A });
    const sealed = await cipher.seal('secret', 'alice');
    const error = await cipher.open(sealed, 'bob').catch((e: unknown) => e);
    assert.ok(error instanceof DecryptionFailedError);
    assert.equal(error.code, 'decryption_failed');
    assert.equal(error.key, 'bob');
    assert.equal(error.keyId, keyIdOf(KEY_A));
  });

  test('tampered or truncated text fails with DecryptionFailedError naming the key id, never a crash', async () => {
    const cipher = await AesGcmCipher.create({ key: KEY_A });
    const sealed = await cipher.seal('secret', 'default');
    const id = keyIdOf(KEY_A);
    const fresh = await AesGcmCipher.create({ key: KEY_A }); // nothing remembered from sealing
    for (const bad of [tamper(sealed), sealed.slice(0, -30), `${sealed.split(':').slice(0, 4).join(':')}:`, `enc:v1:${id}:!!:??`, `enc:v1:${id}:x`]) {
      const error = await fresh.open(bad, 'default').catch((e: unknown) => e);
      assert.ok(error instanceof DecryptionFailedError, bad);
      assert.equal(error.keyId, id);
      assert.ok(error.message.startsWith(`The encrypted tokens of "default" (key id ${id}) could not be decrypted: `), error.message);
      assert.match(error.message, /Check that STRAVA_AUTH_ENCRYPTION_KEY holds the key that encrypted them/);
    }
  });

  test('a different key under the same id does not authenticate', async () => {
    const sealed = await (await AesGcmCipher.create({ key: { key: KEY_A, id: 'shared' } })).seal('secret', 'default');
    const error = await (await AesGcmCipher.create({ key: { key: KEY_B, id: 'shared' } })).open(sealed, 'default').catch((e: unknown) => e);
    assert.ok(error instanceof DecryptionFailedError);
    assert.match(error.message, /does not authenticate \(a different key under that id/);
  });

  test('text sealed with a key the cipher lacks: UnknownEncryptionKeyError naming both ids and the variables', async () => {
    const sealed = await (await AesGcmCipher.create({ key: KEY_A })).seal('secret', 'default');
    const error = await (await AesGcmCipher.create({ key: KEY_B })).open(sealed, 'default').catch((e: unknown) => e);
    assert.ok(error instanceof UnknownEncryptionKeyError);
    assert.equal(error.code, 'unknown_encryption_key');
    assert.equal(error.keyId, keyIdOf(KEY_A));
    assert.deepEqual(error.knownKeyIds, [keyIdOf(KEY_B)]);
    assert.equal(
      error.message,
      `The tokens of "default" were encrypted with key id ${keyIdOf(KEY_A)}, which is not among the keys given (${keyIdOf(KEY_B)}). ` +
        "Set STRAVA_AUTH_ENCRYPTION_KEY to that key, or add it to STRAVA_AUTH_ENCRYPTION_OLD_KEYS while rotating (a key's id is the first 8 hex digits of its SHA-256).",
    );
  });

  test('rotation: old keys open what they sealed, new seals use the current key only', async () => {
    const old = await AesGcmCipher.create({ key: KEY_A });
    const sealedOld = await old.seal('before', 'default');
    const rotated = await AesGcmCipher.create({ key: KEY_B, oldKeys: [KEY_A] });
    assert.equal(rotated.currentKeyId, keyIdOf(KEY_B));
    assert.deepEqual(rotated.keyIds, [keyIdOf(KEY_B), keyIdOf(KEY_A)]);
    assert.equal(await rotated.open(sealedOld, 'default'), 'before');
    assert.equal(sealedKeyId(await rotated.seal('after', 'default')), keyIdOf(KEY_B));
    const same = await AesGcmCipher.create({ key: KEY_A, oldKeys: [KEY_A] });
    assert.deepEqual(same.keyIds, [keyIdOf(KEY_A)], 'the current key listed as old too is one key');
  });

  test('malformed keys name the option and never quote the key', async () => {
    const cases: Array<[unknown, string]> = [
      [{ key: 'not base64!' }, 'The encryption key in the "key" option cannot be used: it is not base64.'],
      [{ key: b64(new Uint8Array(16)) }, 'The encryption key in the "key" option cannot be used: it is 16 bytes long, not 32.'],
      [{ key: KEY_A, oldKeys: [KEY_B, new Uint8Array(31)] }, 'The encryption key in the "oldKeys" option (key 2) cannot be used: it is 31 bytes long, not 32.'],
      [{ key: { key: KEY_A, id: 'a:b' } }, 'The encryption key in the "key" option cannot be used: its id must be 1 to 64 letters, digits, "_" or "-".'],
      [{ key: { key: KEY_A, id: 'x' }, oldKeys: [{ key: KEY_B, id: 'x' }] }, 'The encryption key in the "oldKeys" option (key 1) cannot be used: its id x is already the id of another key.'],
    ];
    for (const [options, message] of cases) {
      const error = await AesGcmCipher.create(options as never).catch((e: unknown) => e);
      assert.ok(error instanceof InvalidEncryptionKeyError, message);
      assert.equal(error.code, 'invalid_encryption_key');
      assert.equal(error.message, `${message} Give 32 random bytes in base64, for example the output of: openssl rand -base64 32`);
    }
  });
});

describe('cipherFromEnv', () => {
  test('no key set: no cipher (tokens stay plaintext)', async () => {
    assert.equal(await cipherFromEnv({}), undefined);
    assert.equal(await cipherFromEnv({ STRAVA_AUTH_ENCRYPTION_KEY: '  ' }), undefined);
  });

  test('STRAVA_AUTH_ENCRYPTION_KEY seals; STRAVA_AUTH_ENCRYPTION_OLD_KEYS (comma-separated) only opens', async () => {
    const sealedOld = await (await cipherFromEnv({ STRAVA_AUTH_ENCRYPTION_KEY: b64(KEY_A) }))!.seal('before', 'default');
    const cipher = (await cipherFromEnv({ STRAVA_AUTH_ENCRYPTION_KEY: b64(KEY_B), STRAVA_AUTH_ENCRYPTION_OLD_KEYS: ` ${b64(TEST_KEYS[2])}, ${b64(KEY_A)} ` }))!;
    assert.equal(cipher.currentKeyId, keyIdOf(KEY_B));
    assert.deepEqual(cipher.keyIds, [keyIdOf(KEY_B), keyIdOf(TEST_KEYS[2]), keyIdOf(KEY_A)]);
    assert.equal(await cipher.open(sealedOld, 'default'), 'before');
  });

  test('a malformed key names its variable (and which old key), never the value', async () => {
    const short = b64(new Uint8Array(20).fill(7));
    const cases: Array<[NodeJS.ProcessEnv, string]> = [
      [{ STRAVA_AUTH_ENCRYPTION_KEY: 'hunter2 is my key' }, 'STRAVA_AUTH_ENCRYPTION_KEY cannot be used: it is not base64'],
      [{ STRAVA_AUTH_ENCRYPTION_KEY: short }, 'STRAVA_AUTH_ENCRYPTION_KEY cannot be used: it is 20 bytes long, not 32'],
      [{ STRAVA_AUTH_ENCRYPTION_KEY: b64(KEY_A), STRAVA_AUTH_ENCRYPTION_OLD_KEYS: `${b64(KEY_B)},${short}` }, 'STRAVA_AUTH_ENCRYPTION_OLD_KEYS (key 2) cannot be used: it is 20 bytes long, not 32'],
      [{ STRAVA_AUTH_ENCRYPTION_OLD_KEYS: b64(KEY_A) }, 'STRAVA_AUTH_ENCRYPTION_KEY cannot be used: it is not set while STRAVA_AUTH_ENCRYPTION_OLD_KEYS is set'],
    ];
    for (const [env, message] of cases) {
      const error = await cipherFromEnv(env).catch((e: unknown) => e);
      assert.ok(error instanceof InvalidEncryptionKeyError, message);
      assert.ok(error.message.startsWith(`The encryption key in ${message}`), error.message);
      assert.ok(!error.message.includes(short) && !error.message.includes('hunter2'));
    }
  });
});

describe('sealed secrets (what every store writes)', () => {
  test('with a cipher: sealed text and its key id; without: plaintext JSON and null', async () => {
    const cipher = await AesGcmCipher.create({ key: KEY_A });
    const sealed = await sealSecrets(TOKENS, 'default', cipher);
    assert.equal(sealed.keyId, keyIdOf(KEY_A));
    assert.ok(!sealed.text.includes(TOKENS.accessToken) && !sealed.text.includes(TOKENS.refreshToken));
    assert.deepEqual(await openSecrets(sealed.text, 'default', cipher), TOKENS);
    const plain = await sealSecrets(TOKENS, 'default');
    assert.deepEqual(plain, { text: JSON.stringify(TOKENS), keyId: null });
  });

  test('plaintext stays readable with or without a key (the migration path)', async () => {
    const plain = (await sealSecrets(TOKENS, 'default')).text;
    assert.deepEqual(await openSecrets(plain, 'default'), TOKENS);
    assert.deepEqual(await openSecrets(plain, 'default', await AesGcmCipher.create({ key: KEY_A })), TOKENS);
  });

  test('sealed without a cipher: EncryptionKeyMissingError naming STRAVA_AUTH_ENCRYPTION_KEY and the key id', async () => {
    const sealed = (await sealSecrets(TOKENS, 'default', await AesGcmCipher.create({ key: KEY_A }))).text;
    const error = await openSecrets(sealed, 'default').catch((e: unknown) => e);
    assert.ok(error instanceof EncryptionKeyMissingError);
    assert.equal(error.code, 'encryption_key_missing');
    assert.equal(
      error.message,
      `The tokens of "default" are encrypted (key id ${keyIdOf(KEY_A)}) and STRAVA_AUTH_ENCRYPTION_KEY is not set, so they cannot be read. ` +
        'Set STRAVA_AUTH_ENCRYPTION_KEY to the key that encrypted them (32 bytes, base64). If that key is lost, delete the stored tokens and authorize the app again.',
    );
  });

  test('plaintext over sealed secrets is refused without a cipher, allowed with one', async () => {
    const sealed = (await sealSecrets(TOKENS, 'default', await AesGcmCipher.create({ key: KEY_A }))).text;
    assert.throws(() => assertPlaintextAllowed(sealed, 'default'), { name: 'EncryptionKeyMissingError', message: /so they cannot be replaced by unencrypted ones/ });
    assertPlaintextAllowed(sealed, 'default', await AesGcmCipher.create({ key: KEY_B }));
    assertPlaintextAllowed(JSON.stringify(TOKENS), 'default');
    assertPlaintextAllowed(undefined, 'default');
  });

  test('text that holds no tokens is a CorruptRecordError naming the store, never quoting the text', async () => {
    for (const [text, problem] of [
      ['{"accessToken":"secret-value"}', 'refreshToken is missing or empty'],
      ['secret-value', 'the tokens are neither JSON nor encrypted text'],
      ['null', 'accessToken is missing or empty'],
    ] as const) {
      const error = await openSecrets(text, '12345', undefined, 'tokens.db').catch((e: unknown) => e);
      assert.ok(error instanceof CorruptRecordError);
      assert.equal(error.problem, problem);
      assert.ok(error.message.startsWith(`The stored tokens of "12345" in tokens.db are unusable: ${problem}.`));
      assert.ok(!error.message.includes('secret-value'));
    }
  });
});

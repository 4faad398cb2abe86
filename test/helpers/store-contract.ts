/**
 * The TokenStore contract, run against every store alike (memory, file, SQLite, PostgreSQL): a
 * store is a TokenStore when it passes all of this. Each store's test file calls it with a factory.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test, type TestContext } from 'node:test';
import { AesGcmCipher } from '../../src/tokens/aes-gcm-cipher.ts';
import { EncryptionKeyMissingError } from '../../src/tokens/errors/encryption-key-missing-error.ts';
import { InvalidTokenKeyError } from '../../src/tokens/errors/invalid-token-key-error.ts';
import { UnknownEncryptionKeyError } from '../../src/tokens/errors/unknown-encryption-key-error.ts';
import { reencryptStore } from '../../src/tokens/reencrypt-store.ts';
import type { TokenCipher } from '../../src/tokens/token-cipher.ts';
import type { StoredTokens, TokenStore } from '../../src/tokens/token-store.ts';

/** A valid record whose tokens end in `suffix`. */
export function record(suffix: string, extra: Partial<StoredTokens> = {}): StoredTokens {
  return {
    tokens: { accessToken: `access-${suffix}`, refreshToken: `refresh-${suffix}`, expiresAt: 1_800_000_000, scopes: ['read', 'activity:read'], tokenType: 'Bearer' },
    updatedAt: 1_700_000_000_000,
    ...extra,
  };
}

/** Lets other tasks run, without waiting for any time to pass. */
export const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Makes a fresh, empty store for one test (cleaned up through `t`). */
export type StoreFactory = (t: TestContext) => Promise<TokenStore>;

/** Three fixed 32-byte test keys (never use fixed keys outside tests). */
export const TEST_KEYS = [1, 2, 3].map((n) => new Uint8Array(32).fill(n)) as [Uint8Array, Uint8Array, Uint8Array];

/** A key's default id, computed independently of the cipher (first 8 hex digits of its SHA-256). */
export function keyIdOf(key: Uint8Array): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/**
 * Makes fresh, empty storage for one test and returns an opener: each call opens a store over that
 * same storage with the cipher given (or none), as separate processes with different keys would.
 */
export type CipherStoreFactory = (t: TestContext) => Promise<(cipher: TokenCipher | undefined) => Promise<TokenStore>>;

/** Options of {@link storeContract}. */
export interface StoreContractOptions {
  /** Runs the encryption part of the contract too (round trip, refusals, rotation, re-encryption). */
  withCipher?: CipherStoreFactory;
}

/** Registers the contract's tests for the store `make` creates, under `name`. */
export function storeContract(name: string, make: StoreFactory, options: StoreContractOptions = {}): void {
  if (options.withCipher) encryptionContract(name, options.withCipher);
  describe(`${name}: the TokenStore contract`, () => {
    test('get answers undefined for an unknown key, and what set stored for a known one', async (t) => {
      const store = await make(t);
      assert.equal(await store.get('default'), undefined);
      await store.set('default', record('a'));
      assert.deepEqual(await store.get('default'), record('a'));
    });

    test('records are copies: changing one read changes nothing stored', async (t) => {
      const store = await make(t);
      await store.set('default', record('a'));
      const read = await store.get('default');
      read!.tokens.accessToken = 'changed';
      assert.equal((await store.get('default'))?.tokens.accessToken, 'access-a');
    });

    test('an invalid mark round-trips', async (t) => {
      const store = await make(t);
      const marked = record('a', { invalid: { reason: 'Strava rejected the refresh token.', code: 'invalid_refresh_token', at: 1 } });
      await store.set('12345', marked);
      assert.deepEqual(await store.get('12345'), marked);
    });

    test('delete removes a record; deleting a missing one is fine', async (t) => {
      const store = await make(t);
      await store.set('default', record('a'));
      await store.delete('default');
      await store.delete('default');
      assert.equal(await store.get('default'), undefined);
    });

    test('keys lists every stored key, sorted', async (t) => {
      const store = await make(t);
      assert.deepEqual(await store.keys(), []);
      for (const key of ['work', '12345', 'default']) await store.set(key, record(key));
      assert.deepEqual(await store.keys(), ['12345', 'default', 'work']);
    });

    test('keys that could escape a directory or collide by case are refused everywhere', async (t) => {
      const store = await make(t);
      for (const key of ['../x', 'a/b', 'a\\b', '', '.hidden', 'Work', 'x'.repeat(65)]) {
        await assert.rejects(store.get(key), InvalidTokenKeyError, key);
        await assert.rejects(store.set(key, record('a')), InvalidTokenKeyError, key);
        await assert.rejects(store.withLock(key, async () => {}), InvalidTokenKeyError, key);
      }
    });

    test('a malformed record is refused at write time, naming the field', async (t) => {
      const store = await make(t);
      const bad = record('a');
      (bad.tokens as { refreshToken?: string }).refreshToken = undefined;
      await assert.rejects(store.set('default', bad), { name: 'TypeError', message: 'Cannot store tokens for "default": tokens.refreshToken is missing.' });
    });

    test('withLock is exclusive per key, and keys do not wait for each other', async (t) => {
      const store = await make(t);
      let inside = 0;
      let most = 0;
      const both = new Set<string>();
      const work = (key: string) =>
        store.withLock(key, async () => {
          inside++;
          most = Math.max(most, inside);
          both.add(key);
          for (let i = 0; i < 5; i++) await tick();
          inside--;
        });
      await Promise.all(Array.from({ length: 10 }, () => work('default')));
      assert.equal(most, 1);
      let otherRan = false;
      await store.withLock('default', async () => {
        await store.withLock('other', async () => {
          otherRan = true;
        });
      });
      assert.equal(otherRan, true);
    });

    test('the locked view reads the latest record and its writes are kept even if the callback throws', async (t) => {
      const store = await make(t);
      await store.set('default', record('a'));
      await assert.rejects(
        store.withLock('default', async (locked) => {
          assert.equal((await locked.get())?.tokens.accessToken, 'access-a');
          await locked.set(record('b'));
          throw new Error('after the write');
        }),
        /after the write/,
      );
      assert.deepEqual(await store.get('default'), record('b'));
    });

    test('set waits for a held lock, so a login is never overwritten by a refresh in flight', async (t) => {
      const store = await make(t);
      await store.set('default', record('old'));
      const order: string[] = [];
      let setDone: Promise<void> | undefined;
      await store.withLock('default', async (locked) => {
        setDone = store.set('default', record('login')).then(() => void order.push('login stored'));
        for (let i = 0; i < 20; i++) await tick();
        await locked.set(record('refreshed'));
        order.push('refresh stored');
      });
      await setDone;
      assert.deepEqual(order, ['refresh stored', 'login stored']);
      assert.equal((await store.get('default'))?.tokens.accessToken, 'access-login');
    });
  });
}

/** The encryption part of the contract, for stores that take a `TokenCipher`. */
function encryptionContract(name: string, withCipher: CipherStoreFactory): void {
  const [A, B] = TEST_KEYS;
  describe(`${name}: encryption at rest`, () => {
    test('a store with a cipher round-trips records, invalid marks included', async (t) => {
      const store = await (await withCipher(t))(await AesGcmCipher.create({ key: A }));
      const marked = record('b', { invalid: { reason: 'Strava rejected the refresh token.', code: 'invalid_refresh_token', at: 1 } });
      await store.set('default', record('a'));
      await store.set('12345', marked);
      assert.deepEqual(await store.get('default'), record('a'));
      assert.deepEqual(await store.get('12345'), marked);
      await store.withLock('default', async (locked) => {
        assert.deepEqual(await locked.get(), record('a'));
        await locked.set(record('c'));
      });
      assert.deepEqual(await store.get('default'), record('c'));
    });

    test('without the key, sealed records are neither read nor overwritten with plaintext', async (t) => {
      const open = await withCipher(t);
      await (await open(await AesGcmCipher.create({ key: A }))).set('default', record('a'));
      const keyless = await open(undefined);
      await assert.rejects(keyless.get('default'), (e: unknown) => e instanceof EncryptionKeyMissingError && e.keyId === keyIdOf(A) && e.key === 'default');
      await assert.rejects(keyless.set('default', record('plain')), EncryptionKeyMissingError);
      assert.deepEqual(await keyless.keys(), ['default'], 'keys are listed without the key');
      assert.deepEqual(await (await open(await AesGcmCipher.create({ key: A }))).get('default'), record('a'), 'the sealed record is intact');
    });

    test('plaintext records stay readable with a key, and get sealed on their next write', async (t) => {
      const open = await withCipher(t);
      await (await open(undefined)).set('default', record('plain'));
      const sealing = await open(await AesGcmCipher.create({ key: A }));
      assert.deepEqual(await sealing.get('default'), record('plain'));
      await sealing.set('default', record('sealed'));
      await assert.rejects((await open(undefined)).get('default'), EncryptionKeyMissingError);
    });

    test('rotation: the old key stays readable, writes use the new key, reencryptStore rewrites every record', async (t) => {
      const open = await withCipher(t);
      const before = await open(await AesGcmCipher.create({ key: A }));
      for (const key of ['default', 'work']) await before.set(key, record(key));
      await (await open(undefined)).set('plain', record('plain'));

      const rotating = await open(await AesGcmCipher.create({ key: B, oldKeys: [A] }));
      assert.deepEqual(await rotating.get('work'), record('work'), 'old key still opens');
      await rotating.set('new', record('new'));
      await assert.rejects((await open(await AesGcmCipher.create({ key: A }))).get('new'), (e: unknown) => e instanceof UnknownEncryptionKeyError && e.keyId === keyIdOf(B));

      const result = await reencryptStore(rotating);
      assert.deepEqual(result.counts, { rewritten: 4, gone: 0, failed: 0 });
      const newOnly = await open(await AesGcmCipher.create({ key: B }));
      for (const key of ['default', 'new', 'plain', 'work']) assert.deepEqual(await newOnly.get(key), record(key), `${key} readable with the new key alone`);
    });
  });
}

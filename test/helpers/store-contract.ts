/**
 * The TokenStore contract, run against every store alike (memory, file, SQLite, PostgreSQL): a
 * store is a TokenStore when it passes all of this. Each store's test file calls it with a factory.
 */
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { InvalidTokenKeyError } from '../../src/tokens/errors/invalid-token-key-error.ts';
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

/** Registers the contract's tests for the store `make` creates, under `name`. */
export function storeContract(name: string, make: StoreFactory): void {
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

/**
 * Moving tokens between stores (copyTokens) and re-encrypting a store (reencryptStore), on real
 * file stores, with refreshes at the emulator racing the copy.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test, type TestContext } from 'node:test';
import { TokenSet } from '../src/core/token-set.ts';
import { refreshTokens } from '../src/core/token-endpoint.ts';
import { FileStore } from '../src/node/file-store.ts';
import { AesGcmCipher } from '../src/tokens/aes-gcm-cipher.ts';
import { copyTokens } from '../src/tokens/copy-tokens.ts';
import { reencryptStore } from '../src/tokens/reencrypt-store.ts';
import { MemoryStore } from '../src/tokens/memory-store.ts';
import { TokenManager } from '../src/tokens/token-manager.ts';
import type { TokenCipher } from '../src/tokens/token-cipher.ts';
import type { TokenStore } from '../src/tokens/token-store.ts';
import { HOUR, mintRecord, oauthFor, refreshCounts, tempDir, within } from './fixtures/token-env.ts';
import { startTestEmulator } from './helpers/emulator.ts';
import { record, TEST_KEYS } from './helpers/store-contract.ts';

async function fileStore(t: TestContext, cipher?: TokenCipher, dir?: string): Promise<FileStore> {
  return new FileStore({ dir: dir ?? (await tempDir(t)), warn: () => {}, cipher });
}

/** `store`, calling `onTouch(key)` whenever a key is read or locked through it. */
function watched(store: TokenStore, onTouch: (key: string) => void): TokenStore {
  return {
    get: (key) => (onTouch(key), store.get(key)),
    set: (key, value) => store.set(key, value),
    delete: (key) => store.delete(key),
    keys: () => store.keys(),
    withLock: (key, fn, options) => (onTouch(key), store.withLock(key, fn, options)),
  };
}

describe('copyTokens', () => {
  test('copies every key; each store applies its own cipher; copying again changes nothing', async (t) => {
    const from = await fileStore(t);
    const to = await fileStore(t, await AesGcmCipher.create({ key: TEST_KEYS[0] }));
    for (const key of ['default', 'work', '12345']) await from.set(key, record(key));
    const seen: string[] = [];
    const first = await copyTokens({ from, to, onResult: (r) => void seen.push(`${r.key}:${r.outcome}`) });
    assert.deepEqual(first.counts, { copied: 3, unchanged: 0, targetNewer: 0, gone: 0, failed: 0 });
    assert.deepEqual(seen, ['12345:copied', 'default:copied', 'work:copied']);
    for (const key of ['default', 'work', '12345']) assert.deepEqual(await to.get(key), record(key));
    const text = await readFile(to.pathOf('default'), 'utf8');
    assert.ok(!text.includes('access-default') && !text.includes('refresh-default'), 'the target holds them sealed');
    const again = await copyTokens({ from, to });
    assert.deepEqual(again.counts, { copied: 0, unchanged: 3, targetNewer: 0, gone: 0, failed: 0 });
  });

  test('a newer record in the target is kept and reported; an older one is replaced', async (t) => {
    const from = new MemoryStore();
    const to = await fileStore(t);
    await from.set('default', record('source', { updatedAt: 2000 }));
    await from.set('work', record('source', { updatedAt: 2000 }));
    await to.set('default', record('target', { updatedAt: 3000 }));
    await to.set('work', record('target', { updatedAt: 1000 }));
    const { counts, results } = await copyTokens({ from, to });
    assert.deepEqual(counts, { copied: 1, unchanged: 0, targetNewer: 1, gone: 0, failed: 0 });
    assert.deepEqual(results, [
      { key: 'default', outcome: 'targetNewer' },
      { key: 'work', outcome: 'copied' },
    ]);
    assert.equal((await to.get('default'))?.tokens.accessToken, 'access-target');
    assert.equal((await to.get('work'))?.tokens.accessToken, 'access-source');
  });

  test('a key that cannot be read fails alone, with its error; the others are copied', async (t) => {
    const dir = await tempDir(t);
    await (await fileStore(t, await AesGcmCipher.create({ key: TEST_KEYS[1] }), dir)).set('sealed', record('sealed'));
    const from = await fileStore(t, undefined, dir);
    await from.set('plain', record('plain'));
    const to = new MemoryStore();
    const { counts, results } = await copyTokens({ from, to });
    assert.deepEqual(counts, { copied: 1, unchanged: 0, targetNewer: 0, gone: 0, failed: 1 });
    assert.equal(results[1]?.key, 'sealed');
    assert.equal((results[1]?.error as { code?: string }).code, 'encryption_key_missing');
    assert.deepEqual(await to.keys(), ['plain']);
  });

  test('copying a store onto itself is refused', async () => {
    const store = new MemoryStore();
    await assert.rejects(copyTokens({ from: store, to: store }), { name: 'TypeError', message: 'copyTokens: "from" and "to" are the same store.' });
  });

  test("a refresh racing the copy loses no rotation: the copy waits for the refresher's lock and copies the rotated tokens", async (t) => {
    const emu = await startTestEmulator(t);
    const dir = await tempDir(t);
    // Two instances over one directory, as two processes would be: the refresher and the copier.
    const refresher = await fileStore(t, undefined, dir);
    const copier = await fileStore(t, undefined, dir);
    const to = await fileStore(t, await AesGcmCipher.create({ key: TEST_KEYS[0] }));
    const seed = mintRecord(emu);
    await refresher.set('default', seed);
    emu.clock.advance(6 * HOUR); // the access token is stale: the refresh rotates the refresh token

    let reached!: () => void;
    const copyReachedKey = new Promise<void>((resolve) => (reached = resolve));
    let copying: ReturnType<typeof copyTokens> | undefined;
    const rotated = await refresher.withLock('default', async (locked) => {
      copying = copyTokens({ from: watched(copier, (key) => key === 'default' && reached()), to });
      await within(copyReachedKey, 10_000, 'the copy reaching the key');
      const current = TokenSet.fromData((await locked.get())!.tokens);
      const next = await refreshTokens(oauthFor(emu), current);
      await locked.set({ tokens: next.toData(), updatedAt: emu.clock.now() });
      return next;
    });
    assert.notEqual(rotated.refreshToken, seed.tokens.refreshToken, 'Strava rotated the refresh token');
    const { counts } = await within(copying!, 20_000, 'the copy');
    assert.equal(counts.copied, 1);
    assert.equal((await to.get('default'))?.tokens.refreshToken, rotated.refreshToken, 'the target holds the rotated refresh token');

    // And it is the live one: a refresh through the target is accepted by Strava.
    emu.clock.advance(6 * HOUR);
    await new TokenManager({ store: to, key: 'default', oauth: oauthFor(emu) }).getAccessToken();
    assert.deepEqual(refreshCounts(emu), { refreshes: 2, rejected: 0 });
  });
});

describe('reencryptStore', () => {
  test('reports every key; a record sealed with an unknown key fails alone and is left as it is', async (t) => {
    const dir = await tempDir(t);
    await (await fileStore(t, await AesGcmCipher.create({ key: TEST_KEYS[2] }), dir)).set('lost', record('lost'));
    const store = await fileStore(t, await AesGcmCipher.create({ key: TEST_KEYS[0] }), dir);
    await store.set('default', record('default'));
    const before = await readFile(store.pathOf('lost'), 'utf8');
    const { counts, results } = await reencryptStore(store);
    assert.deepEqual(counts, { rewritten: 1, gone: 0, failed: 1 });
    assert.equal((results[1]?.error as { code?: string }).code, 'unknown_encryption_key');
    assert.equal(await readFile(store.pathOf('lost'), 'utf8'), before);
  });
});

/**
 * FileStore on real files in a temporary directory: where it keeps files, permissions, atomic
 * writes, and what a corrupt or hand-edited file does (a clear error, never an overwrite).
 */
import assert from 'node:assert/strict';
import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { defaultTokenDir, resolveConfigDir } from '../src/node/config-dir.ts';
import { CorruptTokenFileError } from '../src/node/errors/corrupt-token-file-error.ts';
import { FileStore } from '../src/node/file-store.ts';
import { AesGcmCipher } from '../src/tokens/aes-gcm-cipher.ts';
import { TokenManager } from '../src/tokens/token-manager.ts';
import type { StoredTokens } from '../src/tokens/token-store.ts';
import { HOUR, mintRecord, oauthFor, refreshCounts, tempDir } from './fixtures/token-env.ts';
import { startTestEmulator } from './helpers/emulator.ts';
import { keyIdOf, TEST_KEYS } from './helpers/store-contract.ts';

const SECRET_ACCESS = 'a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2';
const SECRET_REFRESH = 'f6e5d4c3b2a1f6e5d4c3b2a1f6e5d4c3b2a1f6e5';

function record(extra: Partial<StoredTokens> = {}): StoredTokens {
  return {
    tokens: { accessToken: SECRET_ACCESS, refreshToken: SECRET_REFRESH, expiresAt: 1_800_000_000, scopes: ['read'], tokenType: 'Bearer' },
    updatedAt: 1_700_000_000_000,
    ...extra,
  };
}

async function storeIn(t: TestContext, subdir = 'tokens'): Promise<{ store: FileStore; warnings: string[]; dir: string }> {
  const dir = join(await tempDir(t), subdir);
  const warnings: string[] = [];
  return { store: new FileStore({ dir, warn: (message) => void warnings.push(message) }), warnings, dir };
}

const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe('FileStore: where the files live', () => {
  test('$XDG_CONFIG_HOME/strava-auth when set to an absolute path, else ~/.config/strava-auth', () => {
    assert.equal(resolveConfigDir({ env: { XDG_CONFIG_HOME: '/xdg' }, homedir: '/home/ann' }), '/xdg/strava-auth');
    assert.equal(resolveConfigDir({ env: {}, homedir: '/home/ann' }), '/home/ann/.config/strava-auth');
    assert.equal(resolveConfigDir({ env: { XDG_CONFIG_HOME: 'relative/dir' }, homedir: '/home/ann' }), '/home/ann/.config/strava-auth', 'relative XDG paths are ignored (XDG spec)');
    assert.equal(resolveConfigDir({ env: { XDG_CONFIG_HOME: '' }, homedir: '/home/ann' }), '/home/ann/.config/strava-auth');
    assert.equal(defaultTokenDir({ env: { XDG_CONFIG_HOME: '/xdg' } }), '/xdg/strava-auth/tokens');
  });

  test('by default the store uses the config directory; a directory can be given', () => {
    assert.equal(new FileStore().dir, defaultTokenDir());
    assert.equal(new FileStore({ dir: '/somewhere/else' }).dir, '/somewhere/else');
  });

  test('one file per key, <dir>/<key>.json, versioned and readable by people', async (t) => {
    const { store, dir } = await storeIn(t);
    await store.set('work', record());
    assert.equal(store.pathOf('work'), join(dir, 'work.json'));
    const text = await readFile(join(dir, 'work.json'), 'utf8');
    assert.deepEqual(JSON.parse(text), { version: 1, ...record() });
    assert.ok(text.endsWith('}\n') && text.includes('\n  "tokens": {'));
    assert.deepEqual(await readdir(dir), ['work.json'], 'no lock or temporary file is left behind');
  });
});

describe('FileStore: permissions', () => {
  test('creates the directories 0700 and the files 0600 whatever the umask', async (t) => {
    const base = await tempDir(t);
    const dir = join(base, 'strava-auth', 'tokens');
    const previous = process.umask(0);
    try {
      await new FileStore({ dir, warn: () => {} }).set('default', record());
    } finally {
      process.umask(previous);
    }
    assert.equal(await mode(join(base, 'strava-auth')), 0o700);
    assert.equal(await mode(dir), 0o700);
    assert.equal(await mode(join(dir, 'default.json')), 0o600);
  });

  test('a file others can read is warned about once, with the exact chmod command', async (t) => {
    const { store, warnings, dir } = await storeIn(t);
    await store.set('default', record());
    await chmod(join(dir, 'default.json'), 0o644);
    await store.get('default');
    await store.get('default');
    assert.deepEqual(warnings, [
      `strava-auth: the file ${dir}/default.json is accessible by other users (mode 644) and holds Strava tokens. Fix it with: chmod 600 ${dir}/default.json`,
    ]);
  });

  test('a directory others can enter is warned about, and left as the user set it', async (t) => {
    const { store, warnings, dir } = await storeIn(t, 'my tokens');
    await mkdir(dir, { mode: 0o755 });
    await chmod(dir, 0o755);
    await store.set('default', record());
    await store.get('default');
    assert.equal(await mode(dir), 0o755);
    assert.deepEqual(warnings, [
      `strava-auth: the directory ${dir} is accessible by other users (mode 755) and holds Strava tokens. Fix it with: chmod 700 '${dir}'`,
    ]);
  });
});

describe('FileStore: a corrupt or hand-edited file is a clear error, never overwritten', () => {
  const valid = JSON.stringify({ version: 1, ...record() }, null, 2);
  const edit = (change: (value: Record<string, any>) => void) => {
    const value = JSON.parse(valid) as Record<string, any>;
    change(value);
    return JSON.stringify(value, null, 2);
  };
  const cases: Array<[string, string, string]> = [
    ['an empty file (e.g. a disk that filled up)', '', 'the file is empty'],
    ['a hand edit that broke the JSON', valid.replace(`"${SECRET_REFRESH}",`, `"${SECRET_REFRESH}"`), 'it is not valid JSON (line 6, column 5)'],
    ['text that is not JSON at all', `refresh=${SECRET_REFRESH}`, 'it is not valid JSON'],
    ['a JSON array', '[]', 'it does not hold a JSON object'],
    ['a missing refresh token', edit((v) => delete v.tokens.refreshToken), 'tokens.refreshToken is missing'],
    ['an expiry typed as a string', edit((v) => (v.tokens.expiresAt = '1800000000')), 'tokens.expiresAt must be a number (Unix seconds), found a string'],
    ['a misspelt scope', edit((v) => (v.tokens.scopes = ['read', 'activity:raed'])), 'tokens.scopes[1] is not a Strava scope'],
    ['no version', edit((v) => delete v.version), '"version" must be 1 or 2'],
    ['a newer format', edit((v) => (v.version = 3)), 'it was written by a newer strava-auth (format version 3); upgrade strava-auth'],
    ['an encrypted file (version 2) without its secrets', edit((v) => (v.version = 2)), '"secrets" must hold the encrypted tokens (enc:v1:...)'],
    ['an encrypted file with a broken field', edit((v) => ((v.version = 2), (v.secrets = 'enc:v1:abcd1234:x:y'), delete v.tokens.accessToken, (v.tokens.scopes = 'read'))), 'tokens.scopes must be an array, found a string'],
  ];
  for (const [what, content, problem] of cases) {
    test(what, async (t) => {
      const { store, dir } = await storeIn(t);
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const path = join(dir, 'default.json');
      await writeFile(path, content, { mode: 0o600 });
      const error = await store.get('default').catch((e: unknown) => e);
      assert.ok(error instanceof CorruptTokenFileError);
      assert.equal(error.path, path);
      assert.equal(error.problem, problem);
      assert.equal(error.code, 'corrupt_token_file');
      assert.equal(error.message.split(' Fix the file')[0], `The token file ${path} is unusable: ${problem}.`);
      assert.equal(error.remedy, 'Fix the file by hand, or delete it and ask the athlete to authorize the app again. It is never overwritten automatically.');
      assert.ok(!error.message.includes(SECRET_REFRESH.slice(0, 12)), 'no secret in the message');
      // Neither a refresh nor a migration import overwrites it.
      const emu = await startTestEmulator(t);
      const manager = new TokenManager({ store, key: 'default', oauth: oauthFor(emu) });
      await assert.rejects(manager.getAccessToken(), CorruptTokenFileError);
      await assert.rejects(manager.refresh({ force: true }), CorruptTokenFileError);
      await assert.rejects(manager.importTokens(mintRecord(emu).tokens), CorruptTokenFileError);
      assert.equal(await readFile(path, 'utf8'), content);
      assert.equal(emu.stats().calls['POST /oauth/token'] ?? 0, 0);
    });
  }
});

describe('FileStore: encryption at rest (the contract runs in token-store.test.ts)', () => {
  async function encryptedStore(t: TestContext, key = TEST_KEYS[0]) {
    const { store, dir } = await storeIn(t);
    return { store: new FileStore({ dir, warn: () => {}, cipher: await AesGcmCipher.create({ key }) }), keyless: store, dir };
  }

  test('the file holds the tokens sealed (format version 2): no token on disk, everything else readable', async (t) => {
    const { store } = await encryptedStore(t);
    await store.set('default', record());
    const text = await readFile(store.pathOf('default'), 'utf8');
    assert.ok(!text.includes(SECRET_ACCESS) && !text.includes(SECRET_REFRESH), 'no token in the file');
    const { accessToken, refreshToken, ...visible } = record().tokens;
    assert.deepEqual(JSON.parse(text), { version: 2, tokens: visible, secrets: JSON.parse(text).secrets, updatedAt: record().updatedAt });
    assert.match(JSON.parse(text).secrets, new RegExp(`^enc:v1:${keyIdOf(TEST_KEYS[0])}:`));
    assert.equal(await mode(store.pathOf('default')), 0o600);
    assert.deepEqual(await store.get('default'), record());
  });

  test('without a cipher the file stays plaintext version 1, which older releases read', async (t) => {
    const { keyless } = await encryptedStore(t);
    await keyless.set('default', record());
    assert.equal(JSON.parse(await readFile(keyless.pathOf('default'), 'utf8')).version, 1);
  });

  test('no key: reads and writes of the encrypted file are refused, and the file is left as it was', async (t) => {
    const { store, keyless } = await encryptedStore(t);
    await store.set('default', record());
    const before = await readFile(store.pathOf('default'), 'utf8');
    await assert.rejects(keyless.get('default'), { name: 'EncryptionKeyMissingError', message: /^The tokens of "default" are encrypted \(key id [0-9a-f]{8}\) and STRAVA_AUTH_ENCRYPTION_KEY is not set, so they cannot be read\./ });
    await assert.rejects(keyless.set('default', record({ updatedAt: 2 })), { name: 'EncryptionKeyMissingError', message: /so they cannot be replaced by unencrypted ones/ });
    assert.equal(await readFile(store.pathOf('default'), 'utf8'), before);
    await keyless.delete('default');
    assert.equal(await keyless.get('default'), undefined, 'logout --local still removes it');
  });

  test('a tampered file or a file copied onto another profile fails with DecryptionFailedError, never overwritten by a refresh', async (t) => {
    const { store, dir } = await encryptedStore(t);
    await store.set('default', record());
    const text = await readFile(store.pathOf('default'), 'utf8');
    await writeFile(join(dir, 'work.json'), text, { mode: 0o600 });
    await assert.rejects(store.get('work'), { name: 'DecryptionFailedError', message: /^The encrypted tokens of "work" \(key id [0-9a-f]{8}\) could not be decrypted/ });
    const secrets = JSON.parse(text).secrets as string;
    const tampered = text.replace(secrets, secrets.slice(0, -4) + (secrets.endsWith('AAAA') ? 'BBBB' : 'AAAA'));
    await writeFile(store.pathOf('default'), tampered);
    const fresh = new FileStore({ dir, warn: () => {}, cipher: await AesGcmCipher.create({ key: TEST_KEYS[0] }) });
    await assert.rejects(fresh.get('default'), { name: 'DecryptionFailedError' });
    const emu = await startTestEmulator(t);
    await assert.rejects(new TokenManager({ store: fresh, key: 'default', oauth: oauthFor(emu) }).getAccessToken(), { name: 'DecryptionFailedError' });
    assert.equal(await readFile(store.pathOf('default'), 'utf8'), tampered);
  });

  test('a manager refreshes through an encrypted store: the rotation is saved sealed', async (t) => {
    const emu = await startTestEmulator(t);
    const { store } = await encryptedStore(t);
    await store.set('default', mintRecord(emu));
    emu.clock.advance(6 * HOUR);
    const token = await new TokenManager({ store, key: 'default', oauth: oauthFor(emu) }).getAccessToken();
    assert.deepEqual(refreshCounts(emu), { refreshes: 1, rejected: 0 });
    const text = await readFile(store.pathOf('default'), 'utf8');
    assert.equal(JSON.parse(text).version, 2);
    assert.ok(!text.includes(token));
    assert.equal((await store.get('default'))?.tokens.accessToken, token);
  });
});

describe('FileStore: atomic writes', () => {
  test('temporary files of a writer killed mid-write are ignored by reads and removed by the next write', async (t) => {
    const { store, dir } = await storeIn(t);
    await store.set('default', record());
    const torn = join(dir, `.default.json.99999-0123456789ab.tmp`);
    await writeFile(torn, '{"version":1,"tok');
    const other = join(dir, `.default.json.json.99999-0123456789ab.tmp`); // belongs to key "default.json"
    await writeFile(other, '{');
    assert.deepEqual(await store.get('default'), record());
    assert.deepEqual(await store.keys(), ['default']);
    await store.set('default', record({ updatedAt: 2 }));
    assert.deepEqual((await readdir(dir)).sort(), ['.default.json.json.99999-0123456789ab.tmp', 'default.json']);
  });

  test('a manager over a FileStore persists refreshes and invalid marks in the file', async (t) => {
    const emu = await startTestEmulator(t);
    const { store } = await storeIn(t);
    const seed = mintRecord(emu);
    await store.set('default', seed);
    const manager = new TokenManager({ store, key: 'default', oauth: oauthFor(emu) });
    emu.clock.advance(6 * HOUR);
    const token = await manager.getAccessToken();
    const file = JSON.parse(await readFile(store.pathOf('default'), 'utf8')) as { tokens: { accessToken: string } };
    assert.equal(file.tokens.accessToken, token);
    assert.deepEqual(refreshCounts(emu), { refreshes: 1, rejected: 0 });
    // A stale copy elsewhere refreshes with the dead token: the file store's copy stays marked, not deleted.
    await store.set('default', seed);
    emu.clock.advance(6 * HOUR);
    await assert.rejects(manager.getAccessToken(), { code: 'invalid_refresh_token' });
    const marked = JSON.parse(await readFile(store.pathOf('default'), 'utf8')) as StoredTokens;
    assert.equal(marked.invalid?.code, 'invalid_refresh_token');
    assert.equal(marked.tokens.refreshToken, seed.tokens.refreshToken);
  });
});

/**
 * SqliteStore on real SQLite files in temporary directories: the TokenStore contract, what is on
 * disk (modes, columns, schema version), migrations, and what a damaged, newer, read-only or
 * unopenable database does (a typed error with a remedy, never an overwrite).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AesGcmCipher } from '../src/tokens/aes-gcm-cipher.ts';
import { CorruptRecordError } from '../src/tokens/errors/corrupt-record-error.ts';
import { StoreSchemaError } from '../src/tokens/errors/store-schema-error.ts';
import { StoreUnavailableError } from '../src/tokens/errors/store-unavailable-error.ts';
import type { TokenCipher } from '../src/tokens/token-cipher.ts';
import { TokenManager } from '../src/tokens/token-manager.ts';
import { loadSqlite } from '../src/sqlite/load-sqlite.ts';
import { SqliteStore, type SqliteStoreOptions } from '../src/sqlite/sqlite-store.ts';
import { SCHEMA_TABLE, SQLITE_SCHEMA_VERSION, TOKENS_TABLE } from '../src/sqlite/sqlite-schema.ts';
import { mintRecord, oauthFor, tempDir } from './fixtures/token-env.ts';
import { startTestEmulator } from './helpers/emulator.ts';
import { record, storeContract } from './helpers/store-contract.ts';

/** A store on a fresh file in a temporary directory, closed when the test ends. */
async function fileStore(t: TestContext, options: Partial<SqliteStoreOptions> = {}): Promise<{ store: SqliteStore; path: string; warnings: string[] }> {
  const path = join(await tempDir(t), 'tokens.db');
  const warnings: string[] = [];
  const store = new SqliteStore({ path, warn: (message) => void warnings.push(message), ...options });
  t.after(() => store.close());
  return { store, path, warnings };
}

/** A second, raw connection to the file: what another program (or a person with sqlite3) sees. */
function raw(t: TestContext, path: string): DatabaseSync {
  const db = new DatabaseSync(path);
  t.after(() => db.close());
  return db;
}

const mode = async (path: string) => (await stat(path)).mode & 0o777;

storeContract('SqliteStore (file)', async (t) => (await fileStore(t)).store, {
  withCipher: async (t) => {
    const path = join(await tempDir(t), 'tokens.db');
    return async (cipher) => {
      const store = new SqliteStore({ path, warn: () => {}, cipher });
      t.after(() => store.close());
      return store;
    };
  },
});
storeContract('SqliteStore (:memory:)', async (t) => {
  const store = new SqliteStore({ path: ':memory:' });
  t.after(() => store.close());
  return store;
});

describe('SqliteStore: on disk', () => {
  test('the directory is created 0700, the database and its -wal and -shm files 0600, whatever the umask', async (t) => {
    const dir = join(await tempDir(t), 'strava-auth', 'data');
    const path = join(dir, 'tokens.db');
    const store = new SqliteStore({ path, warn: () => {} });
    t.after(() => store.close());
    const previous = process.umask(0);
    try {
      await store.set('default', record('a'));
    } finally {
      process.umask(previous);
    }
    assert.equal(await mode(join(dir, '..')), 0o700);
    assert.equal(await mode(dir), 0o700);
    for (const file of [path, `${path}-wal`, `${path}-shm`]) assert.equal(await mode(file), 0o600, file);
  });

  test('a database others can read is warned about when opened, with the chmod command', async (t) => {
    const { store, path, warnings } = await fileStore(t);
    await store.set('default', record('a'));
    store.close();
    await chmod(path, 0o644);
    const again = new SqliteStore({ path, warn: (message) => void warnings.push(message) });
    t.after(() => again.close());
    await again.get('default');
    // SQLite gives the -wal and -shm files the database's mode: they hold tokens too.
    assert.deepEqual(
      warnings,
      [path, `${path}-wal`, `${path}-shm`].map(
        (file) => `strava-auth: the file ${file} is accessible by other users (mode 644) and holds Strava tokens. Fix it with: chmod 600 ${file}`,
      ),
    );
  });

  test('one row per key, in columns a person can query; the record round-trips exactly', async (t) => {
    const { store, path } = await fileStore(t, { clock: { now: () => 1_650_000_000_000 } });
    const value = record('a', {
      tokens: { ...record('a').tokens, athlete: { id: 42, firstname: 'Ann', city: null } },
      invalid: { reason: 'Strava said no.', code: 'invalid_refresh_token', at: 1_700_000_000_001 },
      updatedAt: 1_700_000_000_123,
    });
    await store.set('12345', value);
    assert.deepEqual(await store.get('12345'), value);
    const row = raw(t, path).prepare(`SELECT * FROM ${TOKENS_TABLE}`).get();
    assert.deepEqual({ ...row }, {
      key: '12345',
      secrets: JSON.stringify({ accessToken: 'access-a', refreshToken: 'refresh-a' }),
      key_id: null,
      expires_at: 1_800_000_000,
      scopes: 'read,activity:read',
      athlete: JSON.stringify({ id: 42, firstname: 'Ann', city: null }),
      token_type: 'Bearer',
      invalid: JSON.stringify(value.invalid),
      created_at: 1_650_000_000_000,
      updated_at: 1_700_000_000_123,
    });
  });

  test('a record without optional fields comes back without them; created_at stays on updates', async (t) => {
    let now = 1;
    const { store, path } = await fileStore(t, { clock: { now: () => now } });
    const bare = { tokens: { accessToken: 'x', refreshToken: 'y', expiresAt: 1.5, scopes: [] }, updatedAt: 7 };
    await store.set('default', bare);
    now = 2;
    await store.set('default', { ...bare, updatedAt: 8 });
    assert.deepEqual(await store.get('default'), { ...bare, updatedAt: 8 });
    assert.deepEqual({ ...raw(t, path).prepare(`SELECT created_at, updated_at FROM ${TOKENS_TABLE}`).get() }, { created_at: 1, updated_at: 8 });
  });

  test('stores on the same file see each other at once (the file is the only cache)', async (t) => {
    const { store, path } = await fileStore(t);
    const other = new SqliteStore({ path, warn: () => {} });
    t.after(() => other.close());
    await store.set('default', record('a'));
    assert.equal((await other.get('default'))?.tokens.accessToken, 'access-a');
    await other.delete('default');
    assert.equal(await store.get('default'), undefined);
    assert.deepEqual(await store.keys(), []);
  });

  test('reads never create the database; the first write does', async (t) => {
    const dir = join(await tempDir(t), 'not-yet');
    const store = new SqliteStore({ path: join(dir, 'tokens.db'), warn: () => {} });
    t.after(() => store.close());
    assert.equal(await store.get('default'), undefined);
    assert.deepEqual(await store.keys(), []);
    await assert.rejects(stat(dir), { code: 'ENOENT' });
    await store.set('default', record('a'));
    assert.deepEqual(await store.keys(), ['default']);
  });

  test('with a cipher, the secrets column holds what it sealed for this key, and key_id names its key', async (t) => {
    const sealed: string[] = [];
    // A stand-in with the TokenCipher shape (the real one is AES-GCM): it shows what the store passes and keeps.
    const cipher: TokenCipher = {
      currentKeyId: 'k1',
      seal: async (plaintext, context) => {
        sealed.push(context);
        return `enc:v1:k1:${Buffer.from(`${context}|${plaintext}`).toString('base64')}`;
      },
      open: async (text, context) => {
        const [bound, plaintext] = Buffer.from(text.split(':')[3]!, 'base64').toString().split('|') as [string, string];
        if (bound !== context) throw new Error('sealed for another key');
        return plaintext;
      },
    };
    const { store, path } = await fileStore(t, { cipher });
    await store.set('12345', record('a'));
    assert.deepEqual(await store.get('12345'), record('a'));
    assert.deepEqual(sealed, ['12345']);
    const row = raw(t, path).prepare(`SELECT secrets, key_id FROM ${TOKENS_TABLE}`).get() as { secrets: string; key_id: string };
    assert.equal(row.key_id, 'k1');
    assert.ok(row.secrets.startsWith('enc:v1:k1:') && !row.secrets.includes('access-a'));
    // Rows written before the cipher was set stay readable.
    const plain = new SqliteStore({ path, warn: () => {} });
    t.after(() => plain.close());
    await plain.set('default', record('b'));
    assert.deepEqual(await store.get('default'), record('b'));
  });

  test('a closed store says so', async (t) => {
    const { store, path } = await fileStore(t);
    await store.set('default', record('a'));
    store.close();
    const error = await store.get('default').catch((e: unknown) => e);
    assert.ok(error instanceof StoreUnavailableError);
    assert.equal(error.message, `The token store ${path} is unavailable: close() was called on this SqliteStore. Create a new SqliteStore to use the database again.`);
  });
});

describe('SqliteStore: schema versions and migrations', () => {
  const versionRows = (t: TestContext, path: string) => raw(t, path).prepare(`SELECT version FROM ${SCHEMA_TABLE}`).all().map((row) => row.version);

  test('a fresh file is migrated to the current version; opening it again changes nothing', async (t) => {
    const { store, path } = await fileStore(t);
    await store.set('default', record('a'));
    for (let i = 0; i < 2; i++) {
      const again = new SqliteStore({ path, warn: () => {} });
      assert.deepEqual(await again.get('default'), record('a'));
      again.close();
    }
    assert.deepEqual(versionRows(t, path), [SQLITE_SCHEMA_VERSION]);
  });

  test('open() creates and migrates the database at once, so a bad path or schema fails at start-up', async (t) => {
    const { store, path } = await fileStore(t);
    await store.open();
    assert.deepEqual(versionRows(t, path), [SQLITE_SCHEMA_VERSION]);
    await writeFile(join(path, '..', 'notes.db'), 'not a database '.repeat(20));
    await assert.rejects(new SqliteStore({ path: join(path, '..', 'notes.db'), warn: () => {} }).open(), StoreUnavailableError);
  });

  test('tables of a newer release: StoreSchemaError saying to upgrade, and nothing is changed', async (t) => {
    const { store, path } = await fileStore(t);
    await store.set('default', record('a'));
    store.close();
    raw(t, path).exec(`UPDATE ${SCHEMA_TABLE} SET version = ${SQLITE_SCHEMA_VERSION + 1}`);
    const newer = new SqliteStore({ path, warn: () => {} });
    t.after(() => newer.close());
    for (const attempt of [newer.get('default'), newer.set('default', record('b')), newer.keys()]) {
      const error = await attempt.catch((e: unknown) => e);
      assert.ok(error instanceof StoreSchemaError);
      assert.equal(error.code, 'store_schema');
      assert.deepEqual([error.foundVersion, error.supportedVersion], [SQLITE_SCHEMA_VERSION + 1, SQLITE_SCHEMA_VERSION]);
      assert.equal(
        error.message,
        `The token store ${path} cannot be used: its tables are at schema version ${SQLITE_SCHEMA_VERSION + 1}, written by a newer strava-auth; ` +
          `this release knows version ${SQLITE_SCHEMA_VERSION}. Upgrade strava-auth in every program that uses this database (a database is never migrated down).`,
      );
    }
    assert.deepEqual(versionRows(t, path), [SQLITE_SCHEMA_VERSION + 1]);
    assert.equal(raw(t, path).prepare(`SELECT secrets FROM ${TOKENS_TABLE}`).get()?.secrets, JSON.stringify({ accessToken: 'access-a', refreshToken: 'refresh-a' }));
  });

  test('tables changed by hand: StoreSchemaError naming what does not fit', async (t) => {
    const { store, path } = await fileStore(t);
    await store.set('default', record('a'));
    store.close();
    raw(t, path).exec(`ALTER TABLE ${TOKENS_TABLE} DROP COLUMN invalid`);
    const error = await new SqliteStore({ path, warn: () => {} }).get('default').catch((e: unknown) => e);
    assert.ok(error instanceof StoreSchemaError);
    assert.match(error.message, new RegExp(`^The token store ${path} cannot be used: its tables do not match schema version ${SQLITE_SCHEMA_VERSION} \\(no such column: invalid\\)\\. `));
  });
});

describe('SqliteStore: a damaged row is a clear error, never overwritten', () => {
  const SECRET = 'f6e5d4c3b2a1f6e5d4c3b2a1f6e5d4c3b2a1f6e5';
  const cases: Array<[string, string, string]> = [
    ['secrets that are not JSON', `secrets = 'refresh=${SECRET}'`, 'the secrets column is not valid JSON'],
    ['secrets that are a JSON array', `secrets = '["${SECRET}"]'`, 'the secrets column does not hold a JSON object'],
    ['a missing refresh token', `secrets = '{"accessToken":"${SECRET}"}'`, 'tokens.refreshToken is missing'],
    ['an athlete that is not JSON', `athlete = '{"id":'`, 'the athlete column is not valid JSON'],
    ['an athlete without an id', `athlete = '{"name":"x"}'`, 'tokens.athlete must be an object with a numeric id'],
    ['an invalid mark missing its code', `invalid = '{"reason":"x","at":1}'`, 'invalid must hold reason (string), code (string) and at (number)'],
    ['an expiry typed as text', `expires_at = 'soon'`, 'tokens.expiresAt must be a number (Unix seconds), found a string'],
    ['a misspelt scope', `scopes = 'read,activity:raed'`, 'tokens.scopes[1] is not a Strava scope'],
    ['a token type that is not Bearer', `token_type = 'Mac'`, 'tokens.tokenType must be "Bearer"'],
    ['a blob for secrets', `secrets = x'00'`, 'the secrets column holds object, not text'],
  ];
  for (const [what, change, problem] of cases) {
    test(what, async (t) => {
      const emu = await startTestEmulator(t);
      const { store, path } = await fileStore(t);
      await store.set('default', mintRecord(emu));
      const db = raw(t, path);
      db.exec(`UPDATE ${TOKENS_TABLE} SET ${change}`);
      const before = { ...db.prepare(`SELECT * FROM ${TOKENS_TABLE}`).get() };
      const error = await store.get('default').catch((e: unknown) => e);
      assert.ok(error instanceof CorruptRecordError);
      assert.equal(error.code, 'corrupt_record');
      assert.equal(error.message.split('. Log in again')[0], `The stored tokens of "default" in ${path} are unusable: ${problem}`);
      assert.ok(!error.message.includes(SECRET) && !JSON.stringify(error).includes(SECRET));
      // A token manager refreshing (the row's tokens are long expired by then) leaves it as it is.
      emu.clock.advance(24 * 3600);
      const manager = new TokenManager({ store, key: 'default', oauth: oauthFor(emu) });
      await assert.rejects(manager.getAccessToken(), CorruptRecordError);
      assert.deepEqual({ ...db.prepare(`SELECT * FROM ${TOKENS_TABLE}`).get() }, before);
      assert.equal(emu.stats().grants.refresh_token, 0);
    });
  }

  test('sealed secrets that open to something other than tokens: the error names the database file', async (t) => {
    const cipher = await AesGcmCipher.create({ key: new Uint8Array(32).fill(7) });
    const { store, path } = await fileStore(t, { cipher });
    await store.set('default', record('a'));
    const sealed = await cipher.seal('{"accessToken":"only"}', 'default');
    raw(t, path).prepare(`UPDATE ${TOKENS_TABLE} SET secrets = ?`).run(sealed);
    const error = await store.get('default').catch((e: unknown) => e);
    assert.ok(error instanceof CorruptRecordError, String(error));
    assert.equal(error.store, path);
  });

  test('a new login (an explicit set) replaces a damaged row', async (t) => {
    const { store, path } = await fileStore(t);
    await store.set('default', record('a'));
    raw(t, path).exec(`UPDATE ${TOKENS_TABLE} SET secrets = 'x'`);
    await store.set('default', record('b'));
    assert.deepEqual(await store.get('default'), record('b'));
  });
});

describe('SqliteStore: a database it cannot use', () => {
  test('a file that is not a SQLite database: StoreUnavailableError, and the file is left as it was', async (t) => {
    const path = join(await tempDir(t), 'tokens.db');
    const text = 'these are my notes, not a database '.repeat(10);
    await writeFile(path, text, { mode: 0o600 });
    const store = new SqliteStore({ path, warn: () => {} });
    const error = await store.set('default', record('a')).catch((e: unknown) => e);
    assert.ok(error instanceof StoreUnavailableError);
    assert.equal(error.code, 'store_unavailable');
    assert.match(error.message, new RegExp(`^The token store ${path} is unavailable: the file is not a SQLite database, or it is damaged \\(file is not a database\\)\\. Point the store at another file`));
    assert.equal(await readFile(path, 'utf8'), text);
  });

  test('a path that is a directory, or under a file: StoreUnavailableError', async (t) => {
    const dir = await tempDir(t);
    await mkdir(join(dir, 'tokens.db'));
    await writeFile(join(dir, 'file'), '');
    for (const path of [join(dir, 'tokens.db'), join(dir, 'file', 'tokens.db')]) {
      const error = await new SqliteStore({ path, warn: () => {} }).set('default', record('a')).catch((e: unknown) => e);
      assert.ok(error instanceof StoreUnavailableError, path);
      assert.ok(error.message.startsWith(`The token store ${path} is unavailable: `), error.message);
      assert.ok(error.remedy.length > 0);
    }
  });

  test('a read-only database: StoreUnavailableError saying to make it writable, and the row is kept', async (t) => {
    const dir = await tempDir(t);
    const path = join(dir, 'tokens.db');
    const store = new SqliteStore({ path, warn: () => {} });
    await store.set('default', record('a'));
    store.close();
    await chmod(path, 0o444);
    await chmod(dir, 0o555);
    // Root writes whatever the mode, so the store runs as `nobody` in a child when this is root.
    const script = fileURLToPath(new URL('./fixtures/sqlite-try-write.ts', import.meta.url));
    const child = spawnSync(process.execPath, [script, path], { encoding: 'utf8', timeout: 30_000, ...(process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {}) });
    await chmod(dir, 0o700);
    await chmod(path, 0o600);
    assert.equal(child.status, 0, child.stderr);
    const outcome = JSON.parse(child.stdout) as { name: string; code: string; message: string; remedy: string };
    assert.deepEqual([outcome.name, outcome.code], ['StoreUnavailableError', 'store_unavailable']);
    assert.match(outcome.message, new RegExp(`^The token store ${path} is unavailable: it (is read-only for this process|cannot be opened) \\(`));
    assert.match(outcome.remedy, /^Let this user read and write the database file, its directory and the -wal and -shm files/);
    const again = new SqliteStore({ path, warn: () => {} });
    t.after(() => again.close());
    assert.deepEqual(await again.get('default'), record('a'));
  });
});

describe('SqliteStore: loading node:sqlite', () => {
  test('a Node without node:sqlite: StoreUnavailableError naming the Node version needed', () => {
    const missing = () => undefined;
    const flagged = () => {
      throw new Error('No such built-in module: node:sqlite'); // Node 22 before 22.13, without --experimental-sqlite
    };
    for (const getBuiltinModule of [missing, flagged]) {
      const error = (() => {
        try {
          loadSqlite('/data/tokens.db', getBuiltinModule);
        } catch (e) {
          return e;
        }
      })();
      assert.ok(error instanceof StoreUnavailableError);
      assert.equal(
        error.message,
        `The token store /data/tokens.db is unavailable: this Node (${process.version}) has no built-in SQLite (node:sqlite). ` +
          'Run on Node 22.13.0 or newer (Node 24 recommended), or use FileStore from strava-auth/node.',
      );
    }
  });

  test("Node 22's ExperimentalWarning for SQLite is kept out of the output; other warnings pass", async () => {
    const seen: string[] = [];
    const listen = (warning: Error) => void seen.push(`${warning.name}: ${warning.message}`);
    process.on('warning', listen);
    try {
      const sqlite = loadSqlite(':memory:', (id) => {
        process.emitWarning('SQLite is an experimental feature and might change at any time', 'ExperimentalWarning');
        process.emitWarning('another feature (this warning is expected in the test output)', 'ExperimentalWarning');
        return process.getBuiltinModule(id);
      });
      assert.equal(typeof sqlite.DatabaseSync, 'function');
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', listen);
    }
    assert.deepEqual(seen, ['ExperimentalWarning: another feature (this warning is expected in the test output)']);
  });
});

/**
 * `strava-auth tokens migrate` and its store specs over real token directories, SQLite and
 * PostgreSQL, run in-process with fake IO; the refresh at the emulator racing the copy runs the
 * real CLI (a child process), whose lock wait is the point.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test, type TestContext } from 'node:test';
import { refreshTokens } from '../src/core/token-endpoint.ts';
import { TokenSet } from '../src/core/token-set.ts';
import { FileStore } from '../src/node/file-store.ts';
import { AesGcmCipher } from '../src/tokens/aes-gcm-cipher.ts';
import { TokenManager } from '../src/tokens/token-manager.ts';
import { HOUR, mintRecord, oauthFor, refreshCounts, tempDir, within } from './fixtures/token-env.ts';
import { cliSandbox } from './helpers/cli.ts';
import { startTestEmulator } from './helpers/emulator.ts';
import { fakeCli } from './helpers/fake-io.ts';
import { admin, closeAdmin, postgresSuite, testSchema, TEST_DATABASE_URL } from './helpers/postgres.ts';
import { record } from './helpers/store-contract.ts';

const KEY = randomBytes(32);
const WITH_KEY = { STRAVA_AUTH_ENCRYPTION_KEY: KEY.toString('base64') };

async function setup(t: TestContext) {
  const cli = await fakeCli(t);
  const source = join(await tempDir(t), 'source');
  const target = join(await tempDir(t), 'target');
  return { cli, source, target, sourceStore: new FileStore({ dir: source, warn: () => {} }) };
}

describe('strava-auth tokens migrate', () => {
  after(closeAdmin);
  test('copies every profile into an encrypted target, a line each; a second run finds them already there', async (t) => {
    const { cli, source, target, sourceStore } = await setup(t);
    for (const key of ['default', 'work']) await sourceStore.set(key, record(key));
    const first = await cli.run(['tokens', 'migrate', '--from', source, '--to', `file:${target}`], { env: WITH_KEY });
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, '');
    assert.equal(first.stderr, `✓ default: copied\n✓ work: copied\nCopied 2 records from file:${source} to file:${target}.\n`);
    const text = await readFile(join(target, 'default.json'), 'utf8');
    assert.equal(JSON.parse(text).version, 2);
    assert.ok(!text.includes('access-default') && !text.includes('refresh-default'), 'the target is encrypted');
    const targetStore = new FileStore({ dir: target, warn: () => {}, cipher: await AesGcmCipher.create({ key: KEY }) });
    assert.deepEqual(await targetStore.get('work'), record('work'));

    const second = await cli.run(['tokens', 'migrate', '--from', source, '--to', target, '--json'], { env: WITH_KEY });
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stderr, '');
    assert.deepEqual(JSON.parse(second.stdout), {
      from: `file:${source}`,
      to: `file:${target}`,
      counts: { copied: 0, unchanged: 2, targetNewer: 0, gone: 0, failed: 0 },
      keys: [
        { key: 'default', outcome: 'unchanged' },
        { key: 'work', outcome: 'unchanged' },
      ],
    });
  });

  test('a newer record in the target is kept and reported; a source it cannot read fails with the reason (exit 1)', async (t) => {
    const { cli, source, target, sourceStore } = await setup(t);
    await sourceStore.set('default', record('old', { updatedAt: 1000 }));
    await new FileStore({ dir: target, warn: () => {} }).set('default', record('new', { updatedAt: 2000 }));
    const kept = await cli.run(['tokens', 'migrate', '--from', source, '--to', target]);
    assert.equal(kept.code, 0, kept.stderr);
    assert.equal(kept.stderr, `! default: kept the target's record, which is newer than the source's\nCopied 0 records from file:${source} to file:${target}; 1 kept (newer in the target).\n`);
    assert.equal(JSON.parse(await readFile(join(target, 'default.json'), 'utf8')).tokens.accessToken, 'access-new');

    await new FileStore({ dir: source, warn: () => {}, cipher: await AesGcmCipher.create({ key: KEY }) }).set('sealed', record('sealed'));
    const failed = await cli.run(['tokens', 'migrate', '--from', source, '--to', target, '--json']);
    assert.equal(failed.code, 1);
    const json = JSON.parse(failed.stdout);
    assert.deepEqual(json.counts, { copied: 0, unchanged: 0, targetNewer: 1, gone: 0, failed: 1 });
    assert.equal(json.keys[1].key, 'sealed');
    assert.equal(json.keys[1].error.code, 'encryption_key_missing');
    assert.match(json.keys[1].error.message, /STRAVA_AUTH_ENCRYPTION_KEY is not set/);
  });

  test("a refresh racing the copy loses no rotation: the copy waits for the refresher's lock", async (t) => {
    const emu = await startTestEmulator(t);
    const { source, target, sourceStore } = await setup(t);
    const cli = await cliSandbox(t);
    await sourceStore.set('a', mintRecord(emu, ['read'], 2)); // copied first, then the CLI reaches "default"
    const seed = mintRecord(emu);
    await sourceStore.set('default', seed);
    emu.clock.advance(6 * HOUR); // stale: the next refresh rotates the refresh token

    const rotated = await sourceStore.withLock('default', async (locked) => {
      const run = cli.start(['tokens', 'migrate', '--from', source, '--to', target]);
      t.after(() => run.child.kill());
      await within(run.waitForStderr(/✓ a: copied\n/), 20_000, 'the CLI copying "a"');
      const next = await refreshTokens(oauthFor(emu), TokenSet.fromData((await locked.get())!.tokens));
      await locked.set({ tokens: next.toData(), updatedAt: emu.clock.now() });
      return { next, done: run.done };
    });
    assert.notEqual(rotated.next.refreshToken, seed.tokens.refreshToken, 'Strava rotated the refresh token');
    const result = await within(rotated.done, 30_000, 'the migration');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /✓ default: copied\n/);
    const targetStore = new FileStore({ dir: target, warn: () => {} });
    assert.equal((await targetStore.get('default'))?.tokens.refreshToken, rotated.next.refreshToken);
    emu.clock.advance(6 * HOUR);
    await new TokenManager({ store: targetStore, key: 'default', oauth: oauthFor(emu) }).getAccessToken();
    assert.deepEqual(refreshCounts(emu), { refreshes: 2, rejected: 0 }, 'the copied refresh token is the live one');
  });

  test('usage: missing stores, unknown kinds and the same store twice are usage errors (exit 2); --help lists the specs', async (t) => {
    const { cli, source } = await setup(t);
    const cases: Array<[string[], string]> = [
      [['tokens', 'migrate', '--from', source], 'tokens migrate needs --to STORE, e.g. --to sqlite:tokens.db'],
      [['tokens', 'migrate'], 'tokens migrate needs --from STORE and --to STORE, e.g. --from ~/.config/strava-auth/tokens --to sqlite:tokens.db'],
      [['tokens', 'migrate', '--from', source, '--to', 'mysql://db/x'], '"mysql:" is not a kind of store strava-auth knows; use a directory, file:DIR, sqlite:FILE or postgres://... (a directory whose name has a colon: ./mysql://db/x).'],
      [['tokens', 'migrate', '--from', source, '--to', `file:${source}`], `--from and --to name the same store (file:${source}).`],
      [['tokens', 'migrate', '--from', source, '--to', 'file:'], '"file:" names no directory.'],
      [['tokens'], 'tokens needs a subcommand: migrate or reencrypt.'],
      [['tokens', 'copy'], '"copy" is not a tokens subcommand; use migrate or reencrypt.'],
      [['tokens', 'migrate', '--form', source], 'unknown flag --form for tokens migrate; did you mean --from?'],
    ];
    for (const [args, message] of cases) {
      const result = await cli.run(args);
      assert.equal(result.code, 2, args.join(' '));
      assert.equal(result.stderr, `error: ${message}\nRun with --help for usage.\n`);
    }
    const help = await cli.run(['tokens', 'migrate', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: strava-auth tokens migrate --from STORE --to STORE \[--json\]/);
    assert.match(help.stdout, /sqlite:FILE\s+a SQLite database file/);
    assert.match((await cli.run(['tokens', '--help'])).stdout, /migrate\s+copy every record/);
    assert.match((await cli.run(['--help'])).stdout, /tokens\s+Move tokens between stores/);
  });

  test('file -> sqlite: (encrypted) -> file: every record arrives, and the SQLite file holds no token', async (t) => {
    const { cli, source, target, sourceStore } = await setup(t);
    for (const key of ['default', 'work']) await sourceStore.set(key, record(key));
    const db = join(await tempDir(t), 'tokens.db');
    const toSqlite = await cli.run(['tokens', 'migrate', '--from', source, '--to', `sqlite:${db}`, '--json'], { env: WITH_KEY });
    assert.equal(toSqlite.code, 0, toSqlite.stderr);
    assert.deepEqual(JSON.parse(toSqlite.stdout).counts, { copied: 2, unchanged: 0, targetNewer: 0, gone: 0, failed: 0 });
    const bytes = await readFile(db);
    assert.ok(!bytes.includes('access-default') && !bytes.includes('refresh-work'), 'the SQLite file is encrypted');
    const back = await cli.run(['tokens', 'migrate', '--from', `sqlite:${db}`, '--to', target, '--json'], { env: WITH_KEY });
    assert.equal(back.code, 0, back.stderr);
    const targetStore = new FileStore({ dir: target, warn: () => {}, cipher: await AesGcmCipher.create({ key: KEY }) });
    for (const key of ['default', 'work']) assert.deepEqual(await targetStore.get(key), record(key));
  });

  test('file -> postgres:// (encrypted) -> file: every record arrives, and the rows hold no token; the password is never printed', { ...postgresSuite }, async (t) => {
    const { cli, source, target, sourceStore } = await setup(t);
    for (const key of ['default', 'work']) await sourceStore.set(key, record(key));
    const schema = await testSchema(t);
    const url = new URL(TEST_DATABASE_URL);
    url.searchParams.set('schema', schema);
    const toPostgres = await cli.run(['tokens', 'migrate', '--from', source, '--to', url.href, '--json'], { env: WITH_KEY });
    assert.equal(toPostgres.code, 0, toPostgres.stderr);
    assert.deepEqual(JSON.parse(toPostgres.stdout).counts, { copied: 2, unchanged: 0, targetNewer: 0, gone: 0, failed: 0 });
    const { rows } = await admin().query<{ key: string; secrets: string }>(`SELECT key, secrets FROM "${schema}".strava_auth_tokens ORDER BY key`);
    assert.deepEqual(rows.map((row) => row.key), ['default', 'work']);
    assert.ok(rows.every((row) => row.secrets.startsWith('enc:v1:') && !row.secrets.includes('access-')), 'the rows are encrypted');
    const back = await cli.run(['tokens', 'migrate', '--from', url.href, '--to', target, '--json'], { env: WITH_KEY });
    assert.equal(back.code, 0, back.stderr);
    const targetStore = new FileStore({ dir: target, warn: () => {}, cipher: await AesGcmCipher.create({ key: KEY }) });
    for (const key of ['default', 'work']) assert.deepEqual(await targetStore.get(key), record(key));
  });

  test('an unreachable postgres:// store fails each key with the reason and never prints the password', async (t) => {
    const { cli, source, sourceStore } = await setup(t);
    await sourceStore.set('default', record('default'));
    const result = await cli.run(['tokens', 'migrate', '--from', source, '--to', 'postgres://app:hunter22@127.0.0.1:9/test', '--json']);
    assert.notEqual(result.code, 0);
    const report = JSON.parse(result.stdout);
    assert.equal(report.to, 'postgres://app@127.0.0.1:9/test');
    assert.deepEqual(report.counts, { copied: 0, unchanged: 0, targetNewer: 0, gone: 0, failed: 1 });
    assert.equal(report.keys[0].error.code, 'store_unavailable');
    assert.doesNotMatch(result.stdout + result.stderr, /hunter22/);
  });
});

/**
 * The `token` fast path (src/cli/token-fast-path.ts, run by bin/ before the CLI loads) answers
 * exactly when the full CLI would print a stored token without refreshing, and bin/'s answers
 * equal the full CLI's (stdout, stderr, exit code) in every case, fast or not: fresh, within the
 * margin (refresh), invalid mark (exit 3), missing or malformed profile, open permissions,
 * emulator profiles, encrypted files with the key, without it, with a wrong one, mid-rotation.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import fc from 'fast-check';
import { freshToken } from '../src/cli/token-fast-path.ts';
import { ManualClock } from '../src/core/clock.ts';
import { SCOPES } from '../src/core/scopes.ts';
import { TokenSet } from '../src/core/token-set.ts';
import { FileStore } from '../src/node/file-store.ts';
import { cipherFromEnv } from '../src/tokens/cipher-from-env.ts';
import { DEFAULT_MARGIN_SECONDS } from '../src/tokens/margin.ts';
import { ENCRYPTION_KEY_VARIABLE, OLD_ENCRYPTION_KEYS_VARIABLE } from '../src/tokens/token-cipher.ts';
import type { StoredTokens } from '../src/tokens/token-store.ts';
import { cliSandbox, ROOT, type CliResult, type CliSandbox } from './helpers/cli.ts';

const WITHOUT_FAST_PATH = join(ROOT, 'test', 'fixtures', 'cli-without-fast-path.ts');
const NOW = Date.UTC(2026, 0, 1);
const KEY = randomBytes(32).toString('base64');
const OTHER_KEY = randomBytes(32).toString('base64');

/** A config directory with a private tokens directory, removed after the test. */
function configHome(t: TestContext): { env: Record<string, string>; dir: string } {
  const home = mkdtempSync(join(tmpdir(), 'strava-auth-fast-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const dir = join(home, 'strava-auth', 'tokens');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return { env: { XDG_CONFIG_HOME: home, HOME: '/nonexistent' }, dir };
}

/** What the full CLI's store says: the token `token` prints without refreshing, or undefined. */
async function storeAnswer(dir: string, profile: string, env: Record<string, string>): Promise<string | undefined> {
  try {
    const store = new FileStore({ dir, cipher: await cipherFromEnv(env), warn: () => {} });
    const record = await store.get(profile);
    if (!record || record.invalid) return undefined;
    return TokenSet.fromData(record.tokens).isExpired(new ManualClock({ start: NOW }), DEFAULT_MARGIN_SECONDS) ? undefined : record.tokens.accessToken;
  } catch {
    return undefined;
  }
}

function record(expiresIn: number, extra: Partial<StoredTokens> = {}): StoredTokens {
  const tokens = { accessToken: 'a'.repeat(40), refreshToken: 'r'.repeat(40), expiresAt: NOW / 1000 + expiresIn, scopes: [...SCOPES], athlete: { id: 1 } };
  return { tokens, updatedAt: NOW, ...extra };
}

describe('the fast path answers exactly when the store has a token that needs no refresh', () => {
  test('any token file, well-formed or not: the fast path answers what the store answers, or leaves it to the full CLI', async (t) => {
    const { env, dir } = configHome(t);
    const path = join(dir, 'default.json');
    // Mostly valid fields, so that most runs are valid or wrong in one field only (undefined: absent).
    const mostly = <T>(valid: fc.Arbitrary<T>, ...wrong: unknown[]) => fc.oneof({ arbitrary: valid, weight: 12 }, { arbitrary: fc.constantFrom(...wrong), weight: 1 });
    const file = fc.record({
      version: mostly(fc.constant(1), 2, 3, '1', undefined),
      tokens: fc.record({
        accessToken: mostly(fc.constant('a'.repeat(40)), '', 7, undefined),
        refreshToken: mostly(fc.constant('r'.repeat(40)), '', null, undefined),
        expiresAt: mostly(fc.integer({ min: -600, max: 3000 }).map((s) => NOW / 1000 + s), '1', null, undefined),
        scopes: mostly(fc.subarray([...SCOPES]), ['write'], ['read', 'bogus'], [1], 'read', undefined),
        athlete: mostly(fc.constantFrom({ id: 1 }, undefined), { id: '1' }, null, []),
        tokenType: mostly(fc.constantFrom('Bearer', undefined), 'bearer'),
      }),
      invalid: mostly(fc.constant(undefined), { reason: 'Strava refused the refresh token.', code: 'invalid_refresh_token', at: NOW }, { reason: 1 }),
      updatedAt: mostly(fc.constant(NOW), '1', null, undefined),
    });
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(file, async (content) => {
        writeFileSync(path, JSON.stringify(content), { mode: 0o600 });
        const answer = await freshToken([], env, NOW);
        assert.equal(answer, await storeAnswer(dir, 'default', env));
        if (answer !== undefined) answered++;
      }),
      { numRuns: 600 },
    );
    assert.ok(answered > 60, `only ${answered} of 600 runs had a fresh token`);
  });

  test('the margin: more than DEFAULT_MARGIN_SECONDS left is answered, that much or less is not', async (t) => {
    const { env, dir } = configHome(t);
    const store = new FileStore({ dir });
    await store.set('default', record(DEFAULT_MARGIN_SECONDS + 1));
    assert.equal(await freshToken([], env, NOW), 'a'.repeat(40));
    await store.set('default', record(DEFAULT_MARGIN_SECONDS));
    assert.equal(await freshToken([], env, NOW), undefined);
    assert.equal(await storeAnswer(dir, 'default', env), undefined);
  });

  test('the profile: -p, --profile, STRAVA_PROFILE, --emulator; anything else goes to the full parser', async (t) => {
    const { env, dir } = configHome(t);
    await new FileStore({ dir }).set('work', record(3600));
    const work = 'a'.repeat(40);
    assert.equal(await freshToken(['-p', 'work'], env, NOW), work);
    assert.equal(await freshToken(['--profile', 'work', '--emulator'], env, NOW), work);
    assert.equal(await freshToken(['--emulator'], { ...env, STRAVA_PROFILE: 'work' }, NOW), work);
    assert.equal(await freshToken(['-p', 'default'], { ...env, STRAVA_PROFILE: 'work' }, NOW), undefined, 'the flag wins over the variable');
    for (const argv of [['--profile=work'], ['-p'], ['-p', '--emulator'], ['-p', 'Work'], ['-p', '../tokens/work'], ['--help'], ['work']]) {
      assert.equal(await freshToken(argv, env, NOW), undefined, argv.join(' '));
    }
    assert.equal(await freshToken(['-p', 'work'], { HOME: join(dir, '..', '..'), XDG_CONFIG_HOME: 'relative/dir' }, NOW), undefined, 'a relative XDG_CONFIG_HOME is ignored');
  });

  test('open permissions are left to the full CLI, which warns', async (t) => {
    const { env, dir } = configHome(t);
    await new FileStore({ dir }).set('default', record(3600));
    chmodSync(join(dir, 'default.json'), 0o644);
    assert.equal(await freshToken([], env, NOW), undefined);
    chmodSync(join(dir, 'default.json'), 0o600);
    chmodSync(dir, 0o755);
    assert.equal(await freshToken([], env, NOW), undefined);
    chmodSync(dir, 0o700);
    assert.equal(await freshToken([], env, NOW), 'a'.repeat(40));
  });

  test('encrypted files open with the key; no key, a wrong or malformed key, and rotations go to the full CLI', async (t) => {
    const { env, dir } = configHome(t);
    const withKey = { ...env, [ENCRYPTION_KEY_VARIABLE]: KEY };
    await new FileStore({ dir, cipher: await cipherFromEnv(withKey) }).set('default', record(3600));
    assert.doesNotMatch(readFileSync(join(dir, 'default.json'), 'utf8'), /aaaa/);
    assert.equal(await freshToken([], withKey, NOW), 'a'.repeat(40));
    assert.equal(await freshToken([], { ...withKey, [ENCRYPTION_KEY_VARIABLE]: ` ${KEY}\n` }, NOW), 'a'.repeat(40), 'trimmed as cipherFromEnv does');
    const declined = [
      env,
      { ...env, [ENCRYPTION_KEY_VARIABLE]: OTHER_KEY },
      { ...env, [ENCRYPTION_KEY_VARIABLE]: KEY.slice(4) },
      { ...env, [ENCRYPTION_KEY_VARIABLE]: OTHER_KEY, [OLD_ENCRYPTION_KEYS_VARIABLE]: KEY },
      { ...env, [OLD_ENCRYPTION_KEYS_VARIABLE]: KEY },
    ];
    for (const variables of declined) assert.equal(await freshToken([], variables, NOW), undefined);
    // The same file under another profile's name: bound to "default", it does not open as "work".
    cpSync(join(dir, 'default.json'), join(dir, 'work.json'));
    assert.equal(await freshToken(['-p', 'work'], withKey, NOW), undefined);
    assert.equal(await storeAnswer(dir, 'work', withKey), undefined);
    // A plaintext file is read with a key set, as the store does; with a malformed key, not.
    await new FileStore({ dir }).set('plain', record(3600));
    assert.equal(await freshToken(['-p', 'plain'], withKey, NOW), 'a'.repeat(40));
    assert.equal(await freshToken(['-p', 'plain'], { ...env, [ENCRYPTION_KEY_VARIABLE]: 'not base64!' }, NOW), undefined);
    await new FileStore({ dir, cipher: await cipherFromEnv(withKey) }).set('soon', record(60));
    assert.equal(await freshToken(['-p', 'soon'], withKey, NOW), undefined);
  });
});

describe('bin/strava-auth.js token answers as the full CLI does', () => {
  /** Runs `args` through bin/ and through the CLI without the fast path; both results must be equal. */
  async function same(cli: CliSandbox, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
    // Warnings name the process: (node:PID).
    const run = async (entry?: string) => {
      const result = await cli.run(args, { env, ...(entry ? { entry } : {}) });
      return { ...result, stderr: result.stderr.replace(/^\(node:\d+\)/gm, '(node:PID)') };
    };
    const fast = await run();
    const full = await run(WITHOUT_FAST_PATH);
    assert.deepEqual(fast, full, args.join(' '));
    return fast;
  }

  function tokenFile(cli: CliSandbox, profile = 'default'): { path: string; content: { tokens: { accessToken: string; expiresAt: number } } & Record<string, unknown> } {
    const path = join(cli.configDir, 'tokens', `${profile}.json`);
    return { path, content: JSON.parse(readFileSync(path, 'utf8')) };
  }

  test('an emulator profile: fresh, flags, missing and malformed profiles, open permissions, invalid mark', async (t) => {
    const cli = await cliSandbox(t);
    assert.equal((await cli.run(['login', '--emulator'])).code, 0);
    const { path, content } = tokenFile(cli);
    const token = `${content.tokens.accessToken}\n`;
    for (const args of [['token'], ['token', '--emulator'], ['token', '-p', 'default'], ['token', '--profile', 'default'], ['token', '--profile=default']]) {
      assert.equal((await same(cli, args)).stdout, token);
    }
    assert.equal((await same(cli, ['token'], { STRAVA_PROFILE: 'default' })).stdout, token);
    assert.equal((await same(cli, ['token', '-p', 'nobody'])).code, 3);
    assert.equal((await same(cli, ['token'], { STRAVA_PROFILE: 'nobody' })).code, 3);
    assert.equal((await same(cli, ['token', '-p', 'Bad'])).code, 2);
    assert.equal((await same(cli, ['token', '--help'])).code, 0);

    chmodSync(path, 0o644);
    const open = await same(cli, ['token']);
    assert.equal(open.stdout, token);
    assert.match(open.stderr, /is accessible by other users \(mode 644\).*chmod 600/);
    chmodSync(path, 0o600);

    writeFileSync(path, JSON.stringify({ ...content, invalid: { reason: 'Strava refused the refresh token.', code: 'invalid_refresh_token', at: Date.now() } }));
    const invalid = await same(cli, ['token']);
    assert.equal(invalid.code, 3);
    assert.equal(invalid.stdout, '');
    writeFileSync(path, '{"version": 1');
    assert.notEqual((await same(cli, ['token'])).code, 0);
  });

  test('within the margin both refresh against the emulator and print the new token', async (t) => {
    const cli = await cliSandbox(t);
    assert.equal((await cli.run(['login', '--emulator'])).code, 0);
    const { path, content } = tokenFile(cli);
    writeFileSync(path, JSON.stringify({ ...content, tokens: { ...content.tokens, expiresAt: Math.floor(Date.now() / 1000) + 60 } }));
    const saved = `${cli.configDir}.saved`;
    cpSync(cli.configDir, saved, { recursive: true });
    const results: CliResult[] = [];
    for (const entry of [undefined, WITHOUT_FAST_PATH]) {
      rmSync(cli.configDir, { recursive: true });
      cpSync(saved, cli.configDir, { recursive: true });
      for (const dir of ['', 'tokens', 'profiles', 'emulator']) chmodSync(join(cli.configDir, dir), 0o700); // cpSync leaves directories to the umask
      const result = await cli.run(['token'], entry ? { entry } : {});
      assert.equal(result.code, 0, result.stderr);
      // Refreshed (the emulator, as Strava, keeps an access token with over an hour left) and saved.
      assert.ok(tokenFile(cli).content.tokens.expiresAt > Date.now() / 1000 + DEFAULT_MARGIN_SECONDS);
      assert.equal(result.stdout, `${tokenFile(cli).content.tokens.accessToken}\n`);
      results.push(result);
    }
    assert.deepEqual(
      results.map(({ code, stderr }) => ({ code, stderr })),
      [{ code: 0, stderr: '' }, { code: 0, stderr: '' }],
    );
  });

  test('encrypted at rest: with the key, without it, a wrong key, mid-rotation', async (t) => {
    const cli = await cliSandbox(t, { [ENCRYPTION_KEY_VARIABLE]: KEY });
    assert.equal((await cli.run(['login', '--emulator'])).code, 0);
    const fresh = await same(cli, ['token']);
    assert.match(fresh.stdout, /^[0-9a-f]{40}\n$/);
    assert.notEqual((await same(cli, ['token'], { [ENCRYPTION_KEY_VARIABLE]: '' })).code, 0);
    assert.notEqual((await same(cli, ['token'], { [ENCRYPTION_KEY_VARIABLE]: OTHER_KEY })).code, 0);
    assert.notEqual((await same(cli, ['token'], { [ENCRYPTION_KEY_VARIABLE]: 'c2hvcnQ=' })).code, 0);
    assert.equal((await same(cli, ['token'], { [ENCRYPTION_KEY_VARIABLE]: OTHER_KEY, [OLD_ENCRYPTION_KEYS_VARIABLE]: KEY })).stdout, fresh.stdout);
  });

  test('a fresh token is printed by the fast path alone: no other module of strava-auth loads', async (t) => {
    const cli = await cliSandbox(t);
    assert.equal((await cli.run(['login', '--emulator'])).code, 0);
    const hook = `import { registerHooks } from 'node:module';
registerHooks({ load(url, context, next) { if (url.startsWith(${JSON.stringify(new URL('..', import.meta.url).href)})) process._rawDebug('loaded ' + url); return next(url, context); } });`;
    const result = await cli.run(['token'], { env: { NODE_OPTIONS: `--import=data:text/javascript,${encodeURIComponent(hook)}` } });
    assert.equal(result.code, 0, result.stderr);
    const loaded = result.stderr.split('\n').filter(Boolean).map((line) => line.replace(/^loaded .*?\/(bin|dist|src)\//, '$1/'));
    assert.deepEqual(loaded, ['bin/strava-auth.js', 'dist/cli/token-fast-path.js']);
  });
});

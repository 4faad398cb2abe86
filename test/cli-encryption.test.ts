/**
 * Encryption at rest from the command line, run in-process with fake IO against the emulator,
 * with STRAVA_AUTH_ENCRYPTION_KEY set, missing, wrong, malformed, and rotated.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { ManualClock } from '../src/core/clock.ts';
import type { Emulator } from '../src/emulator/index.ts';
import { startTestEmulator } from './helpers/emulator.ts';
import { fakeCli } from './helpers/fake-io.ts';
import { keyIdOf } from './helpers/store-contract.ts';

const KEY = randomBytes(32);
const NEW_KEY = randomBytes(32);
const WITH_KEY = { STRAVA_AUTH_ENCRYPTION_KEY: KEY.toString('base64') };
const ROTATING = { STRAVA_AUTH_ENCRYPTION_KEY: NEW_KEY.toString('base64'), STRAVA_AUTH_ENCRYPTION_OLD_KEYS: KEY.toString('base64') };
const NEW_ONLY = { STRAVA_AUTH_ENCRYPTION_KEY: NEW_KEY.toString('base64') };
const NO_KEY = { STRAVA_AUTH_ENCRYPTION_KEY: '' };

async function setup(t: TestContext, clock?: ManualClock) {
  const emu = await startTestEmulator(t, clock ? { clock } : {});
  emu.setConsent({ policy: 'approve' });
  const cli = await fakeCli(t, { STRAVA_BASE_URL: emu.url, STRAVA_CLIENT_ID: String(emu.clientId), STRAVA_CLIENT_SECRET: emu.clientSecret });
  return { emu, cli, file: join(cli.configDir, 'tokens', 'default.json') };
}

async function introspect(emu: Emulator, token: string): Promise<number> {
  return (await fetch(`${emu.url}/_emulator/introspect`, { headers: { authorization: `Bearer ${token}` } })).status;
}

const missingKey = (keyId: string) =>
  `error: The tokens of "default" are encrypted (key id ${keyId}) and STRAVA_AUTH_ENCRYPTION_KEY is not set, so they cannot be read. ` +
  'Set STRAVA_AUTH_ENCRYPTION_KEY to the key that encrypted them (32 bytes, base64). If that key is lost, remove the tokens (strava-auth logout --local) and log in again.\n';

describe('strava-auth with STRAVA_AUTH_ENCRYPTION_KEY', () => {
  test('login stores the tokens encrypted (0600, no token on disk); token works with the key and says what is wrong without it', async (t) => {
    const { emu, cli, file } = await setup(t);
    const login = await cli.run(['login'], { env: WITH_KEY });
    assert.equal(login.code, 0, login.stderr);
    const text = await readFile(file, 'utf8');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const content = JSON.parse(text);
    assert.equal(content.version, 2);
    assert.match(content.secrets, new RegExp(`^enc:v1:${keyIdOf(KEY)}:`));
    assert.equal(content.tokens.athlete.id, 1, 'what is not secret stays readable');

    const token = await cli.run(['token'], { env: WITH_KEY });
    assert.equal(token.code, 0, token.stderr);
    assert.match(token.stdout, /^[0-9a-f]{40}\n$/);
    assert.equal(token.stderr, '');
    assert.equal(await introspect(emu, token.stdout.trim()), 200);
    assert.ok(!text.includes(token.stdout.trim()), 'the access token is not in the file');

    for (const args of [['token'], ['status'], ['refresh']]) {
      const keyless = await cli.run(args, { env: NO_KEY });
      assert.equal(keyless.code, 2, args.join(' '));
      assert.equal(keyless.stdout, '');
      assert.equal(keyless.stderr, missingKey(keyIdOf(KEY)), args.join(' '));
    }
    assert.equal(await readFile(file, 'utf8'), text, 'nothing rewrote the file');
    assert.equal(emu.stats().grants.refresh_token, 0);
  });

  test('a login without the key over encrypted tokens is refused before Strava is asked; logout --local is the way out', async (t) => {
    const { emu, cli, file } = await setup(t);
    assert.equal((await cli.run(['login'], { env: WITH_KEY })).code, 0);
    const text = await readFile(file, 'utf8');
    let opened = 0;
    const openBrowser = async () => (opened++, false);
    const login = await cli.run(['login', '--force'], { env: NO_KEY, deps: { openBrowser } });
    assert.equal(login.code, 2);
    assert.match(login.stderr, /so they cannot be read\. Set STRAVA_AUTH_ENCRYPTION_KEY/);
    assert.equal(opened, 0, 'no browser was opened');
    assert.equal(emu.stats().grants.authorization_code, 1);
    assert.equal(await readFile(file, 'utf8'), text);
    const revoke = await cli.run(['logout'], { env: NO_KEY });
    assert.equal(revoke.code, 2, 'revoking at Strava needs the tokens');
    assert.equal(await readFile(file, 'utf8'), text);
    // The way out the error names when the key is lost:
    const local = await cli.run(['logout', '--local'], { env: NO_KEY });
    assert.equal(local.code, 0, local.stderr);
    assert.match(local.stderr, /^✓ Forgot the encrypted tokens of profile "default" here \(--local\); they could not be decrypted/);
    await assert.rejects(stat(file), { code: 'ENOENT' });
    assert.equal((await cli.run(['login'], { env: NO_KEY })).code, 0, 'then a login without a key works');
  });

  test('a refresh through the encrypted file keeps it encrypted', async (t) => {
    const clock = new ManualClock({ frozen: true, start: Date.now() - (21600 - 120) * 1000 });
    const { emu, cli, file } = await setup(t, clock);
    assert.equal((await cli.run(['login'], { env: WITH_KEY })).code, 0);
    emu.clock.advance(21600 - 120);
    const token = await cli.run(['token'], { env: WITH_KEY });
    assert.equal(token.code, 0, token.stderr);
    assert.equal(emu.stats().grants.refresh_token, 1);
    const text = await readFile(file, 'utf8');
    assert.equal(JSON.parse(text).version, 2);
    assert.ok(!text.includes(token.stdout.trim()));
    assert.equal(await introspect(emu, token.stdout.trim()), 200);
  });

  test('a malformed key is named, never printed; a wrong key names the key id the tokens need', async (t) => {
    const { cli } = await setup(t);
    assert.equal((await cli.run(['login'], { env: WITH_KEY })).code, 0);
    const short = randomBytes(16).toString('base64');
    const malformed = await cli.run(['token'], { env: { STRAVA_AUTH_ENCRYPTION_KEY: short } });
    assert.equal(malformed.code, 2);
    assert.equal(
      malformed.stderr,
      'error: The encryption key in STRAVA_AUTH_ENCRYPTION_KEY cannot be used: it is 16 bytes long, not 32. Give 32 random bytes in base64, for example the output of: openssl rand -base64 32\n',
    );
    const wrong = await cli.run(['token'], { env: NEW_ONLY });
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, new RegExp(`^error: The tokens of "default" were encrypted with key id ${keyIdOf(KEY)}, which is not among the keys given \\(${keyIdOf(NEW_KEY)}\\)\\. Set STRAVA_AUTH_ENCRYPTION_KEY to that key, or add it to STRAVA_AUTH_ENCRYPTION_OLD_KEYS`));
  });

  test('rotation: the old key in STRAVA_AUTH_ENCRYPTION_OLD_KEYS keeps tokens readable; tokens reencrypt moves them to the new key', async (t) => {
    const { cli, file } = await setup(t);
    assert.equal((await cli.run(['login'], { env: WITH_KEY })).code, 0);
    const token = (await cli.run(['token'], { env: WITH_KEY })).stdout;
    assert.equal((await cli.run(['token'], { env: ROTATING })).stdout, token);

    const human = await cli.run(['tokens', 'reencrypt'], { env: ROTATING });
    assert.equal(human.code, 0, human.stderr);
    assert.equal(human.stdout, '');
    const where = `file:${join(cli.configDir, 'tokens')}`;
    assert.equal(human.stderr, `✓ default: encrypted with the current key\nEncrypted 1 record in ${where} with key ${keyIdOf(NEW_KEY)}. Old keys are no longer needed for this store.\n`);
    assert.match(JSON.parse(await readFile(file, 'utf8')).secrets, new RegExp(`^enc:v1:${keyIdOf(NEW_KEY)}:`));
    assert.equal((await cli.run(['token'], { env: NEW_ONLY })).stdout, token, 'the new key alone reads it');

    const json = await cli.run(['tokens', 'reencrypt', '--json'], { env: NEW_ONLY });
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), { store: where, keyId: keyIdOf(NEW_KEY), counts: { rewritten: 1, gone: 0, failed: 0 }, keys: [{ key: 'default', outcome: 'rewritten' }] });
    assert.ok(!json.stdout.includes(token.trim()) && !human.stderr.includes(token.trim()));
  });

  test('tokens reencrypt: a record under a key it lacks fails alone (exit 1); without a key it is a usage error', async (t) => {
    const { cli } = await setup(t);
    assert.equal((await cli.run(['login'], { env: WITH_KEY })).code, 0);
    const failed = await cli.run(['tokens', 'reencrypt'], { env: NEW_ONLY });
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, new RegExp(`^✗ default: The tokens of "default" were encrypted with key id ${keyIdOf(KEY)}, which is not among the keys given`));
    assert.match(failed.stderr, /\nEncrypted 0 records in file:.* with key [0-9a-f]{8}; 1 failed, so keep the old keys until they are fixed\.\n$/);
    const keyless = await cli.run(['tokens', 'reencrypt'], { env: NO_KEY });
    assert.equal(keyless.code, 2);
    assert.equal(keyless.stderr, 'error: tokens reencrypt encrypts with STRAVA_AUTH_ENCRYPTION_KEY, which is not set.\nRun with --help for usage.\n');
  });
});

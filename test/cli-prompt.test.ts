/**
 * On a terminal with no credentials anywhere, login asks for them (the secret without echo) and
 * saves them 0600. A real pseudo-terminal comes from util-linux's `script`.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { BIN, cliSandbox } from './helpers/cli.ts';
import { WatchedChild } from './helpers/watched-child.ts';
import { startTestEmulator } from './helpers/emulator.ts';

const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

test('login on a terminal asks for the client id and secret, hides the secret, saves both 0600', async (t) => {
  const emu = await startTestEmulator(t);
  const cli = await cliSandbox(t, { STRAVA_BASE_URL: emu.url, NO_COLOR: '1', TERM: 'xterm' });
  const command = [process.execPath, BIN, 'login'].map(quote).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: cli.home, env: cli.env, stdio: 'pipe' });
  const watched = new WatchedChild(child, 'strava-auth login (in script)');
  t.after(() => watched.kill());
  let screen = '';
  child.stdout.on('data', (chunk: Buffer) => (screen += chunk));
  // Fails, rather than hangs, when the CLI ends (or stalls) before showing what the test waits for.
  const waitFor = (pattern: RegExp) =>
    watched.waitForMatch(child.stdout, () => screen, pattern, 'the screen').catch((error: Error) => {
      throw new Error(`${error.message}\nScreen:\n${screen}`, { cause: error });
    });

  await waitFor(/Client ID: /);
  child.stdin.write(`${emu.clientId}\r`);
  await waitFor(/Client Secret \(not shown\): /);
  child.stdin.write(`${emu.clientSecret}\r`);
  await waitFor(/Logged in as/);
  child.stdin.end();
  assert.equal((await watched.exit()).code, 0, screen);

  assert.match(screen, /Your Strava API application is on https:\/\/www\.strava\.com\/settings\/api/);
  assert.doesNotMatch(screen, new RegExp(emu.clientSecret), 'the secret was never echoed');
  const file = join(cli.configDir, 'profiles', 'default.json');
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  const saved = JSON.parse(await readFile(file, 'utf8'));
  assert.deepEqual([saved.clientId, saved.clientSecret], [String(emu.clientId), emu.clientSecret]);
  // The next command finds them in the profile, with nothing in the environment.
  assert.equal((await cli.run(['refresh'])).code, 0);
});

/**
 * `statePath`: what a CLI's `--emulator` mode relies on to keep tokens across runs.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { ManualClock } from '../src/core/clock.ts';
import { startEmulator } from '../src/emulator/index.ts';
import { authorize, introspect, login, refresh, startTestEmulator } from './helpers/emulator.ts';

function tempStatePath(t: TestContext): { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'strava-emulator-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, path: join(dir, 'nested', 'state.json') };
}

test('tokens, codes and approvals survive a restart', async (t) => {
  const { path } = tempStatePath(t);
  const clock = new ManualClock({ frozen: true });
  const first = await startTestEmulator(t, { statePath: path, clock });
  const tokens = await login(first, 'activity:read');
  first.addAthlete({ id: 5, firstname: 'Kept' });
  await first.close();

  const second = await startTestEmulator(t, { statePath: path, clock });
  assert.equal((await introspect(second, tokens.access_token)).status, 200, 'access token still valid');
  second.setConsent(null);
  assert.equal((await authorize(second, { scope: 'activity:read' })).status, 302, 'approval remembered');
  assert.equal(second.issueTokens({ scopes: [], athleteId: 5 }).athlete.firstname, 'Kept');
  clock.advance(6 * 3600);
  const renewed = await refresh(second, tokens.refresh_token);
  assert.equal(renewed.status, 200, 'refresh token still valid');
  await second.close();

  const third = await startTestEmulator(t, { statePath: path, clock });
  assert.equal((await refresh(third, tokens.refresh_token)).status, 400, 'the rotation was saved too');
  assert.equal((await refresh(third, renewed.body.refresh_token)).status, 200);
});

test('the file is saved before the response is sent, with mode 0600, atomically (no temp files left)', async (t) => {
  const { path } = tempStatePath(t);
  const emu = await startTestEmulator(t, { statePath: path });
  const tokens = await login(emu);
  const saved = JSON.parse(readFileSync(path, 'utf8'));
  assert.equal(saved.version, 1);
  assert.equal(saved.grants[0].refreshToken, tokens.refresh_token);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(join(path, '..')), ['state.json']);
});

test('changes made through the Emulator object are saved too', async (t) => {
  const { path } = tempStatePath(t);
  const emu = await startTestEmulator(t, { statePath: path });
  const tokens = emu.issueTokens({ scopes: ['read'] });
  await Promise.resolve(); // saves are coalesced into a microtask
  assert.equal(JSON.parse(readFileSync(path, 'utf8')).grants[0].refreshToken, tokens.refresh_token);
});

for (const broken of ['{"something":"else"}', 'not json at all']) {
  test(`a broken state file (${broken}) stops the start with a clear message instead of being overwritten`, async (t) => {
    const { dir } = tempStatePath(t);
    const path = join(dir, 'state.json');
    writeFileSync(path, broken);
    await assert.rejects(startEmulator({ statePath: path }), {
      message: `${path} is not an emulator state file (version 1); move it away to start afresh.`,
    });
    assert.equal(readFileSync(path, 'utf8'), broken);
  });
}

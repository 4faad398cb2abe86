/**
 * Remedies fit where the error is shown. Inside an app (no `loginCommand`) the library says in
 * neutral words what the athlete must do; an app that sets its own `loginCommand` sees it named;
 * the CLI names `strava-auth login …`. Each situation is produced for real against the emulator.
 */
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { InvalidRefreshTokenError, MemoryStore, MissingScopeError, StravaClient, TokenManager } from '../src/index.ts';
import type { Emulator } from '../src/emulator/index.ts';
import { cliSandbox } from './helpers/cli.ts';
import { startTestEmulator } from './helpers/emulator.ts';

async function revoke(emu: Emulator, token: string): Promise<void> {
  const response = await fetch(`${emu.url}/oauth/revoke`, {
    method: 'POST',
    headers: { authorization: `Basic ${btoa(`${emu.clientId}:${emu.clientSecret}`)}` },
    body: new URLSearchParams({ token }),
  });
  assert.equal(response.status, 200);
}

/** A dead refresh token met by a TokenManager configured with `loginCommand` (or without). */
async function deadRefreshToken(t: TestContext, loginCommand?: string): Promise<InvalidRefreshTokenError> {
  const emu = await startTestEmulator(t);
  const issued = emu.issueTokens({ scopes: ['read'] });
  const manager = await TokenManager.fromTokens({
    oauth: { clientId: emu.clientId, clientSecret: emu.clientSecret, baseUrl: emu.url, clock: emu.clock, ...(loginCommand && { loginCommand }) },
    tokens: { access_token: issued.access_token, refresh_token: issued.refresh_token, expires_at: issued.expires_at, scope: 'read' },
    store: new MemoryStore(),
  });
  await revoke(emu, issued.access_token);
  const error = await manager.refresh({ force: true }).catch((e: unknown) => e);
  assert.ok(error instanceof InvalidRefreshTokenError, String(error));
  return error;
}

/** A call the token's scopes cannot make, from a StravaClient configured with `loginCommand` (or without). */
async function missingScope(t: TestContext, loginCommand?: (scopes: readonly string[]) => string): Promise<MissingScopeError> {
  const emu = await startTestEmulator(t);
  const token = emu.issueTokens({ scopes: ['activity:read'] }).access_token;
  const client = new StravaClient({ tokens: token, scopes: 'read,activity:read', apiBaseUrl: `${emu.url}/api/v3`, clock: emu.clock, ...(loginCommand && { loginCommand }) });
  const error = await client.getAthleteZones().catch((e: unknown) => e);
  assert.ok(error instanceof MissingScopeError, String(error));
  return error;
}

/** A CLI logged in to a fresh emulator with `scope`. */
async function cliLoggedIn(t: TestContext, scope: string) {
  const emu = await startTestEmulator(t);
  const cli = await cliSandbox(t, { STRAVA_BASE_URL: emu.url, STRAVA_CLIENT_ID: String(emu.clientId), STRAVA_CLIENT_SECRET: emu.clientSecret });
  emu.setConsent({ policy: 'approve' });
  const login = await cli.run(['login', '--scope', scope]);
  assert.equal(login.code, 0, login.stderr);
  return { emu, cli };
}

describe('a missing scope', () => {
  test('in an app: ask the athlete to authorize again with the scopes, naming no command', async (t) => {
    const error = await missingScope(t);
    assert.equal(
      error.remedy,
      "Ask the athlete to authorize the app again with scope=read,profile:read_all,activity:read and to leave its box ticked on Strava's consent page.",
    );
    assert.deepEqual(error.scopesToRequest, ['read', 'profile:read_all', 'activity:read'], 'what to put into the new authorize URL');
    assert.doesNotMatch(error.message, /strava-auth/);
  });

  test("in an app with its own loginCommand: that command, given the scopes", async (t) => {
    const error = await missingScope(t, (scopes) => `open https://app.example/connect?scope=${scopes.join(',')}`);
    assert.equal(
      error.remedy,
      "Log in again asking for it and leave its box ticked on Strava's consent page: open https://app.example/connect?scope=read,profile:read_all,activity:read",
    );
  });

  test('in the CLI: the strava-auth login command that grants it', async (t) => {
    const { cli } = await cliLoggedIn(t, 'activity:read');
    const result = await cli.run(['api', '/athlete/zones']);
    assert.equal(result.code, 4);
    assert.match(result.stderr, /Log in again asking for it and leave its box ticked on Strava's consent page: strava-auth login --scope read,profile:read_all,activity:read --force\n$/);
  });
});

describe('a refresh token Strava refuses', () => {
  test('in an app: ask the athlete to authorize again, naming no command', async (t) => {
    const error = await deadRefreshToken(t);
    assert.equal(error.remedy, 'Ask the athlete to authorize the app again: only a new authorization brings a new refresh token.');
    assert.doesNotMatch(error.message, /strava-auth/);
  });

  test('in an app with its own loginCommand: that command', async (t) => {
    const error = await deadRefreshToken(t, 'myapp connect-strava');
    assert.equal(error.remedy, 'The athlete must log in again (myapp connect-strava).');
  });

  test('in the CLI: strava-auth login', async (t) => {
    const { emu, cli } = await cliLoggedIn(t, 'read');
    await revoke(emu, (await cli.run(['token'])).stdout.trim());
    const result = await cli.run(['refresh']);
    assert.equal(result.code, 3);
    assert.match(result.stderr, /Strava rejected the refresh token.*The athlete must log in again \(strava-auth login\)\.\n$/);
  });
});

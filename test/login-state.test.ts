/**
 * A login that travels (started by one StravaOAuth, finished by another from the stored record)
 * and logging in again (the new grant replaces the stored tokens; no scope is lost silently),
 * against the emulator over HTTP.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, test, type TestContext } from 'node:test';
import {
  AuthorizationExpiredError,
  AuthorizationRequest,
  InvalidCodeError,
  InvalidPendingLoginError,
  StateMismatchError,
  StravaOAuth,
  TokenSet,
  isFreshAuthorization,
  type PendingLogin,
} from '../src/index.ts';
import type { Emulator } from '../src/emulator/index.ts';
import { ScopesNotImportedError } from '../src/tokens/errors/scopes-not-imported-error.ts';
import { MemoryStore } from '../src/tokens/memory-store.ts';
import { TokenManager } from '../src/tokens/token-manager.ts';
import { REDIRECT_URI, startTestEmulator } from './helpers/emulator.ts';

/** One "replica" of an app: its own StravaOAuth, the emulator's clock. */
function replica(emu: Emulator): StravaOAuth {
  return new StravaOAuth({ clientId: emu.clientId, clientSecret: emu.clientSecret, redirectUri: REDIRECT_URI, baseUrl: emu.url, clock: emu.clock });
}

/** The browser's part: the emulator's consent policy approves, the redirect is the callback. */
async function callbackFor(url: URL): Promise<string> {
  const response = await fetch(url, { redirect: 'manual' });
  const location = response.headers.get('location');
  assert.equal(response.status, 302, 'the emulator redirects back');
  return location!;
}

async function emulator(t: TestContext): Promise<Emulator> {
  const emu = await startTestEmulator(t);
  emu.setConsent({ policy: 'approve' });
  return emu;
}

describe('a pending login travels between processes', () => {
  test('started by one instance, stored as JSON, finished by another; a replayed callback is refused', async (t) => {
    const emu = await emulator(t);
    const db = new Map<string, string>(); // what a database row holds: text
    const started = replica(emu).authorize({ scopes: 'activity:read_all' });
    db.set(started.state, JSON.stringify(started.serialize()));

    const callback = await callbackFor(started.url);
    const other = replica(emu);
    const state = new URL(callback).searchParams.get('state')!;
    const record = db.get(state)!;
    const tokens = await other.finish(record, callback);
    assert.deepEqual(tokens.scopes, ['read', 'activity:read_all']);
    assert.equal(tokens.athlete?.id, 1);

    // The same callback again: the restored request refuses it; a second restore of the record
    // passes the state check, but Strava (the emulator) refuses the used code.
    const restored = other.restore(record);
    restored.complete(callback);
    assert.throws(() => restored.complete(callback), (e: unknown) => e instanceof StateMismatchError && /accepted only once/.test(e.message));
    await assert.rejects(other.finish(record, callback), InvalidCodeError);
    // An app that writes the record back after completing it refuses the replay before Strava sees it.
    assert.throws(() => other.restore(restored.serialize()), StateMismatchError);
  });

  test('started in another process: its record finishes the login here', async (t) => {
    const emu = await emulator(t);
    const script = fileURLToPath(new URL('./fixtures/start-login.ts', import.meta.url));
    const config = JSON.stringify({ clientId: emu.clientId, clientSecret: emu.clientSecret, redirectUri: REDIRECT_URI, baseUrl: emu.url });
    const record = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, [script, config], { timeout: 30_000 }, (error, stdout) => (error ? reject(error) : resolve(stdout.trim())));
    });
    const callback = await callbackFor(new URL((JSON.parse(record) as PendingLogin).url));
    const tokens = await replica(emu).finish(record, callback);
    assert.deepEqual(tokens.scopes, ['read', 'activity:read_all', 'activity:write']);
    await assert.rejects(replica(emu).finish(record, callback), InvalidCodeError, 'the replayed callback: Strava refuses the used code');
  });

  test('the record holds what finishing needs; toJSON (for logs) leaves the state out', () => {
    const oauth = new StravaOAuth({ clientId: 4242, clientSecret: 's3cret', redirectUri: REDIRECT_URI, clock: { now: () => 1_800_000_000_000 } });
    const request = oauth.authorize({ scopes: 'activity:write', state: 'the-state-0123456789' });
    const record: PendingLogin = request.serialize();
    assert.deepEqual(record, {
      version: 1,
      state: 'the-state-0123456789',
      url: 'https://www.strava.com/oauth/authorize?client_id=4242&redirect_uri=http%3A%2F%2Flocalhost%3A8080%2Fcallback&response_type=code&approval_prompt=auto&scope=activity%3Awrite&state=the-state-0123456789',
      scopes: ['activity:write'],
      redirectUri: REDIRECT_URI,
      createdAt: 1_800_000_000_000,
      completed: false,
    });
    assert.ok(!JSON.stringify(request).includes('the-state-0123456789'));
    const restored = oauth.restore(JSON.parse(JSON.stringify(record)));
    assert.equal(restored.state, request.state);
    assert.equal(restored.url.href, request.url.href);
    assert.deepEqual(restored.scopes, request.scopes);
  });

  test('a callback whose state differs is refused in constant time, as in one process', async (t) => {
    const emu = await emulator(t);
    const record = replica(emu).authorize().serialize();
    const forged = `${REDIRECT_URI}?state=${'x'.repeat(record.state.length)}&code=abc&scope=read`;
    await assert.rejects(replica(emu).finish(record, forged), (e: unknown) => e instanceof StateMismatchError && /does not match/.test(e.message));
  });

  test('a record older than its time is refused with AuthorizationExpiredError, before Strava is asked', async (t) => {
    const emu = await emulator(t);
    const record = replica(emu).authorize().serialize();
    const callback = await callbackFor(new URL(record.url));
    emu.clock.advance(15 * 60 + 1);
    const error = await replica(emu).finish(record, callback).catch((e: unknown) => e);
    assert.ok(error instanceof AuthorizationExpiredError, String(error));
    assert.equal(error.code, 'authorization_expired');
    assert.equal(error.message, 'This login was started 15 minutes ago; a pending login is accepted for 15 minutes. Start a new login and ask the athlete to authorize again.');
    assert.ok(replica(emu).restore(record, { maxAgeMs: 20 * 60_000 }) instanceof AuthorizationRequest, 'a longer maxAgeMs accepts it');
  });

  test('records that are not one serialize() made, or made for another app, are refused', async (t) => {
    const emu = await emulator(t);
    const record = replica(emu).authorize().serialize();
    const cases: [string, unknown, RegExp][] = [
      ['not JSON', '{', /it is not JSON/],
      ['another version', { ...record, version: 2 }, /version is 2/],
      ['a changed state', { ...record, state: 'other-state-value' }, /does not carry its state/],
      ['an unknown scope', { ...record, scopes: ['everything'] }, /not a list of Strava scopes/],
    ];
    for (const [name, value, message] of cases) {
      assert.throws(() => replica(emu).restore(value as PendingLogin), (e: unknown) => e instanceof InvalidPendingLoginError && message.test(e.message), name);
    }
    const elsewhere = new StravaOAuth({ clientId: emu.clientId, clientSecret: emu.clientSecret, redirectUri: 'http://localhost:9999/other', baseUrl: emu.url, clock: emu.clock });
    assert.throws(() => elsewhere.restore(record), /another redirect URI/);
    const otherApp = new StravaOAuth({ clientId: 999, clientSecret: 'x', redirectUri: REDIRECT_URI, baseUrl: emu.url, clock: emu.clock });
    assert.throws(() => otherApp.restore(record), /another app/);
  });
});

describe('logging in again never loses scopes silently', () => {
  async function loginWith(emu: Emulator, oauth: StravaOAuth, scopes: string): Promise<TokenSet> {
    const request = oauth.authorize({ scopes, approvalPrompt: 'force' });
    return oauth.finish(request, await callbackFor(request.url));
  }

  test('a new login with more scopes replaces the stored one: the manager then has them', async (t) => {
    const emu = await emulator(t);
    const oauth = replica(emu);
    const manager = new TokenManager({ store: new MemoryStore(), key: 'athlete-1', oauth, clock: emu.clock });
    const first = await loginWith(emu, oauth, 'read');
    assert.equal(await manager.importTokens(first), 'imported');
    assert.deepEqual((await manager.getTokenSet()).scopes, ['read']);

    const second = await loginWith(emu, oauth, 'activity:read_all,activity:write');
    assert.ok(isFreshAuthorization(second));
    assert.equal(await manager.importTokens(second), 'imported');
    const now = await manager.getTokenSet();
    assert.deepEqual(now.scopes, ['read', 'activity:read_all', 'activity:write']);
    assert.equal(now.accessToken, second.accessToken);
  });

  test('tokens that are not a fresh authorization and would drop scopes: ScopesNotImportedError, nothing stored', async (t) => {
    const emu = await emulator(t);
    const oauth = replica(emu);
    const store = new MemoryStore();
    const manager = new TokenManager({ store, key: 'athlete-1', oauth, clock: emu.clock });
    const first = await loginWith(emu, oauth, 'read');
    await manager.importTokens(first);
    const wider = TokenSet.fromData((await loginWith(emu, oauth, 'activity:write')).toData()); // read back from somewhere: no longer fresh
    assert.ok(!isFreshAuthorization(wider));
    const error = await manager.importTokens(wider).catch((e: unknown) => e);
    assert.ok(error instanceof ScopesNotImportedError, String(error));
    assert.equal(error.code, 'scopes_not_imported');
    assert.deepEqual(error.scopes, ['activity:write']);
    assert.equal(
      error.message,
      'The store already holds usable tokens for "athlete-1" (scopes: read); the tokens given also grant activity:write, which would be lost, so nothing was stored. If the given tokens are the newer ones (a new login), import them with { replace: true } (tokens straight from oauth.finish replace by themselves); if the stored ones are newer, leave the seed out.',
    );
    assert.equal((await store.get('athlete-1'))?.tokens.accessToken, first.accessToken);
    assert.equal(await manager.importTokens(wider, { replace: true }), 'imported');
    assert.deepEqual((await manager.getTokenSet()).scopes, ['read', 'activity:write']);
  });

  test('the stravalib / strava-v3 seed at every start still never replaces the newer refreshed tokens', async (t) => {
    const emu = await emulator(t);
    emu.rotateRefreshTokens = 'always';
    const oauth = replica(emu);
    const login = await loginWith(emu, oauth, 'activity:read_all');
    const seed = { access_token: login.accessToken, refresh_token: login.refreshToken, expires_at: login.expiresAt, scope: 'read,activity:read_all' };
    const store = new MemoryStore();
    const first = await TokenManager.fromTokens({ store, oauth, tokens: seed, clock: emu.clock });
    emu.clock.advance(6 * 3600);
    const rotated = await first.getTokenSet();
    assert.notEqual(rotated.refreshToken, login.refreshToken);
    const restarted = await TokenManager.fromTokens({ store, oauth, tokens: seed, clock: emu.clock });
    assert.equal((await restarted.getTokenSet()).refreshToken, rotated.refreshToken, 'the seed was kept out');
  });
});

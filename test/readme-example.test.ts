/**
 * The README's library example, run against the emulator, so the README stays true.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { StravaClient, StravaOAuth, TokenManager } from '../src/index.ts';
import { FileStore } from '../src/node/index.ts';
import { startTestEmulator } from './helpers/emulator.ts';

test('README: login, token manager on a FileStore, client paginating activities', async (t) => {
  const emu = await startTestEmulator(t);
  const dir = await mkdtemp(join(tmpdir(), 'strava-auth-readme-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  emu.setConsent({ policy: 'approve' });

  const oauth = new StravaOAuth({ clientId: emu.clientId, clientSecret: emu.clientSecret, redirectUri: 'http://localhost:8080/callback', baseUrl: emu.url });
  const request = oauth.authorize({ scopes: 'activity:read_all,activity:write' });
  const callbackUrl = (await fetch(request.url, { redirect: 'manual' })).headers.get('location')!;
  const tokens = await oauth.finish(request, callbackUrl);

  const store = new FileStore({ dir });
  const manager = new TokenManager({ store, key: String(tokens.athlete?.id), oauth: oauth.config, clock: emu.clock });
  await manager.importTokens(tokens);

  const client = new StravaClient({ tokens: manager, rateLimit: { wait: true }, apiBaseUrl: `${emu.url}/api/v3`, clock: emu.clock });
  let count = 0;
  for await (const activity of client.allActivities()) {
    assert.equal(typeof activity.name, 'string');
    count++;
  }
  assert.equal(count, 600);
  assert.deepEqual(tokens.scopes, ['read', 'activity:read_all', 'activity:write']);
});

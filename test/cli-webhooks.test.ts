/**
 * `strava-auth webhooks create|list|delete`, the real CLI against the emulator over 127.0.0.1,
 * with a real callback that answers Strava's check (or fails it).
 */
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { fakeCli } from './helpers/fake-io.ts';
import { startCallbackServer } from './helpers/callback-server.ts';
import { startTestEmulator } from './helpers/emulator.ts';

async function setup(t: TestContext, secret?: string) {
  const emu = await startTestEmulator(t, { webhooks: { sleep: async () => {} } });
  const callback = await startCallbackServer(t);
  const cli = await fakeCli(t, {
    STRAVA_BASE_URL: emu.url,
    STRAVA_CLIENT_ID: String(emu.clientId),
    STRAVA_CLIENT_SECRET: secret ?? emu.clientSecret,
    STRAVA_WEBHOOK_VERIFY_TOKEN: 'cli-verify-token',
  });
  return { emu, callback, cli };
}

describe('strava-auth webhooks', () => {
  test('create prints the id; list shows it; a second create is refused (exit 7); delete; list is empty', async (t) => {
    const { emu, callback, cli } = await setup(t);
    const created = await cli.run(['webhooks', 'create', '--callback-url', callback.url]);
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stdout, '1\n');
    assert.match(created.stderr, new RegExp(`✓ Push subscription 1  ${callback.url}  created \\d{4}-`));
    assert.equal(callback.received[0]!.url.searchParams.get('hub.verify_token'), 'cli-verify-token');

    const listed = await cli.run(['webhooks', 'list']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`^1  ${callback.url}  created \\S+\\n$`));
    const json = await cli.run(['webhooks', 'list', '--json']);
    assert.deepEqual(
      (JSON.parse(json.stdout) as Array<Record<string, unknown>>).map((s) => [s.id, s.applicationId, s.callbackUrl]),
      [[1, emu.clientId, callback.url]],
    );

    const again = await cli.run(['webhooks', 'create', '--callback-url', callback.url]);
    assert.equal(again.code, 7);
    assert.match(again.stderr, /already has a push subscription .*strava-auth webhooks list/);

    const deleted = await cli.run(['webhooks', 'delete', '1']);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stderr, /✓ Deleted push subscription 1/);
    const empty = await cli.run(['webhooks', 'list']);
    assert.equal(empty.stdout, '');
    assert.match(empty.stderr, /No push subscription for this app/);
    assert.equal((await cli.run(['webhooks', 'list', '--json'])).stdout, '[]\n');
    const gone = await cli.run(['webhooks', 'delete', '1']);
    assert.equal(gone.code, 7);
    assert.match(gone.stderr, /found nothing/);
  });

  test('create --json prints the subscription; --verify-token wins over the environment', async (t) => {
    const { callback, cli } = await setup(t);
    const created = await cli.run(['webhooks', 'create', '--callback-url', callback.url, '--verify-token', 'flag-token', '--json']);
    assert.equal(created.code, 0, created.stderr);
    const body = JSON.parse(created.stdout) as Record<string, unknown>;
    assert.equal(body.id, 1);
    assert.equal(body.callbackUrl, callback.url);
    assert.equal(callback.received[0]!.url.searchParams.get('hub.verify_token'), 'flag-token');
  });

  test('a callback that fails the check: exit 7, saying it must answer the challenge within 2 seconds', async (t) => {
    const { callback, cli } = await setup(t);
    callback.reply(() => ({ status: 200, body: { 'hub.challenge': 'wrong' } }));
    const result = await cli.run(['webhooks', 'create', '--callback-url', callback.url]);
    assert.equal(result.code, 7);
    assert.match(result.stderr, /could not verify the callback URL: it must answer GET \?hub\.mode=subscribe&hub\.challenge=X&hub\.verify_token=T with 200 and \{"hub\.challenge":"X"\} within 2 seconds/);
    assert.match(result.stderr, /Start the callback first/);
    assert.equal(result.stdout, '');
  });

  test('a wrong client secret: exit 7, and the secret is not printed', async (t) => {
    const { callback, cli } = await setup(t, 'wrong-secret-123456');
    for (const args of [['create', '--callback-url', callback.url], ['list'], ['delete', '1']]) {
      const result = await cli.run(['webhooks', ...args]);
      assert.equal(result.code, 7, `${args[0]}: ${result.stderr}`);
      assert.match(result.stderr, /Strava rejected the client secret/);
      assert.ok(!result.stderr.includes('wrong-secret-123456'));
    }
  });

  const usage: Array<{ args: string[]; env?: Record<string, string>; message: RegExp }> = [
    { args: ['create'], message: /^error: webhooks create needs --callback-url URL, e\.g\. --callback-url https:\/\/app\.example\.com\/webhook\n/ },
    { args: ['create', '--callback-url', 'not a url'], message: /not an absolute URL/ },
    { args: ['create', '--callback-url', 'ftp://example.com/x'], message: /must start with https:\/\// },
    { args: ['create', '--callback-url', `https://example.com/${'x'.repeat(250)}`], message: /Strava takes at most 255/ },
    { args: ['create', '--callback-url', 'https://example.com/x'], env: { STRAVA_WEBHOOK_VERIFY_TOKEN: '' }, message: /needs a verify token: --verify-token T or STRAVA_WEBHOOK_VERIFY_TOKEN/ },
    { args: ['delete'], message: /takes one argument: the subscription id/ },
    { args: ['delete', 'abc'], message: /"abc" is not a subscription id/ },
    { args: ['delete', '0'], message: /"0" is not a subscription id/ },
    { args: ['frobnicate'], message: /"frobnicate" is not a webhooks subcommand/ },
    { args: [], message: /needs a subcommand: create, list or delete/ },
    { args: ['list', '--bogus'], message: /bogus/ },
  ];
  for (const { args, env, message } of usage) {
    test(`webhooks ${args.join(' ').slice(0, 50)}: usage error, exit 2, nothing sent`, async (t) => {
      const { emu, cli } = await setup(t);
      const result = await cli.run(['webhooks', ...args], env ? { env } : {});
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
      assert.deepEqual(emu.stats().calls, {});
    });
  }

  test('--help of each subcommand prints its usage, exit 0', async (t) => {
    const { cli } = await setup(t);
    for (const [args, usage] of [
      [['webhooks', '--help'], /^Usage: strava-auth webhooks <subcommand>/],
      [['webhooks', 'create', '--help'], /^Usage: strava-auth webhooks create --callback-url URL/],
      [['webhooks', 'list', '--help'], /^Usage: strava-auth webhooks list/],
      [['webhooks', 'delete', '--help'], /^Usage: strava-auth webhooks delete ID/],
    ] as const) {
      const result = await cli.run([...args]);
      assert.equal(result.code, 0);
      assert.match(result.stdout, usage);
    }
    assert.match((await cli.run(['--help'])).stdout, /webhooks +Create, list or delete the push subscription/);
  });

  test('--emulator: the in-process emulator checks the callback, and the subscription outlives the command', async (t) => {
    const callback = await startCallbackServer(t);
    const cli = await fakeCli(t);
    const created = await cli.run(['webhooks', 'create', '--emulator', '--callback-url', callback.url, '--verify-token', 'emu-token']);
    assert.equal(created.code, 0, created.stderr);
    assert.equal(callback.received.length, 1);
    const listed = await cli.run(['webhooks', 'list', '--emulator', '--json']);
    assert.equal((JSON.parse(listed.stdout) as Array<{ callbackUrl: string }>)[0]!.callbackUrl, callback.url);
  });

  test('Strava unreachable: exit 6', async (t) => {
    const cli = await fakeCli(t, { STRAVA_BASE_URL: 'http://127.0.0.1:1', STRAVA_CLIENT_ID: '1', STRAVA_CLIENT_SECRET: 'secret-value-1' });
    const result = await cli.run(['webhooks', 'list']);
    assert.equal(result.code, 6, result.stderr);
  });
});

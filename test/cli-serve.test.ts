/**
 * `strava-auth serve` as a person runs it: the real CLI in a child process, on real SQLite, against
 * the emulator; keys from the CLI, SIGTERM draining a request under way. Help, usage errors and
 * the `serve keys` commands run in-process with fake IO.
 */
import assert from 'node:assert/strict';
import { chmod } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { ManualClock } from '../src/core/clock.ts';
import type { Emulator } from '../src/emulator/index.ts';
import { cliSandbox, type CliRun, type CliSandbox } from './helpers/cli.ts';
import { startTestEmulator } from './helpers/emulator.ts';
import { fakeCli } from './helpers/fake-io.ts';
import { connectAthlete } from './helpers/serve.ts';

const HOUR = 3600;

/** Starts `serve` and resolves with its URL once it listens; rejects if it exits first. */
async function startServe(t: TestContext, cli: CliSandbox, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ run: CliRun; url: string }> {
  const run = cli.start(['serve', '--port', '0', '--json', ...args], { env });
  t.after(() => {
    if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
  });
  const stderr = await Promise.race([
    run.waitForStderr(/"msg":"serving"/),
    run.done.then((result) => {
      throw new Error(`serve exited (${result.code}) before listening:\n${result.stderr}`);
    }),
  ]);
  return { run, url: /"url":"([^"]+)"/.exec(stderr)![1]! };
}

function emulatorEnv(emu: Emulator, base = emu.url): NodeJS.ProcessEnv {
  return { STRAVA_BASE_URL: base, STRAVA_CLIENT_ID: String(emu.clientId), STRAVA_CLIENT_SECRET: emu.clientSecret };
}

/**
 * Strava behind a gate: forwards every request to the emulator, except that while `held` is set,
 * token-endpoint requests wait until `release()`. Tells when one is waiting.
 */
async function startGate(t: TestContext, upstream: string) {
  let held = false;
  const waiting: Array<() => void> = [];
  let onWaiting: (() => void) | undefined;
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (held && req.url === '/oauth/token') {
      await new Promise<void>((resolve) => {
        waiting.push(resolve);
        onWaiting?.();
      });
    }
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !['host', 'connection', 'content-length'].includes(name))) as Record<string, string>;
    const answer = await fetch(`${upstream}${req.url}`, { method: req.method!, headers, ...(chunks.length ? { body: Buffer.concat(chunks) } : {}), redirect: 'manual' });
    res.writeHead(answer.status, Object.fromEntries(answer.headers)).end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const release of waiting.splice(0)) release();
    server.closeAllConnections();
    server.close();
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hold: () => {
      held = true;
      return new Promise<void>((resolve) => (onWaiting = resolve));
    },
    release: () => {
      held = false;
      for (const release of waiting.splice(0)) release();
    },
  };
}

describe('strava-auth serve (the CLI)', { timeout: 60_000 }, () => {
  test('--help lists the flags, the routes and the environment', async (t) => {
    const cli = await fakeCli(t);
    const result = await cli.run(['serve', '--help']);
    assert.equal(result.code, 0);
    for (const text of ['--port N', '--db STORE', '--public-url URL', '--emulator', 'GET    /v1/athletes/ID/token[?min_valid=S]', 'STRAVA_AUTH_API_KEYS', 'SIGTERM']) {
      assert.ok(result.stdout.includes(text), text);
    }
    assert.match((await cli.run(['--help'])).stdout, /serve\s+Run the token service/);
  });

  test('usage errors: exit 2 before anything starts', async (t) => {
    const cli = await fakeCli(t);
    const cases: Array<[string[], RegExp]> = [
      [['serve', '--port', 'x'], /--port takes a port number/],
      [['serve', '--port', '70000'], /--port takes a port number/],
      [['serve', '--public-url', 'ftp://x'], /--public-url takes an http\(s\) URL/],
      [['serve', '--cache-ms', '-1'], /--cache-ms takes whole milliseconds from 0 \(no cache\) to 60000/],
      [['serve', '--cache-ms', '60001'], /--cache-ms takes whole milliseconds/],
      [['serve', '--cache-ms', '1.5'], /--cache-ms takes whole milliseconds/],
      [['serve', '--db', join(cli.home, 'dir')], /serve needs a database for --db/],
      [['serve', 'keys'], /serve keys needs create, list or revoke/],
      [['serve', 'keys', 'revoke'], /takes one key id/],
      [['serve', '--nope'], /--nope/],
    ];
    for (const [args, message] of cases) {
      const result = await cli.run(args, { env: { STRAVA_CLIENT_ID: '1', STRAVA_CLIENT_SECRET: 's' } });
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
    }
  });

  test('keys create|list|revoke: a created key works on the running service at once; with --cache-ms 0 a revoked one is 401 at once', async (t) => {
    const emu = await startTestEmulator(t);
    const keys = await fakeCli(t, emulatorEnv(emu));
    const cli = await cliSandbox(t, emulatorEnv(emu));
    const db = `sqlite:${join(cli.home, 'service.db')}`;
    const created = await keys.run(['serve', 'keys', 'create', '--label', 'backend', '--db', db, '--json']);
    assert.equal(created.code, 0, created.stderr);
    const { id, key, label } = JSON.parse(created.stdout);
    assert.equal(label, 'backend');
    assert.match(key, /^sak_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    const listed = await keys.run(['serve', 'keys', 'list', '--db', db, '--json']);
    assert.deepEqual(JSON.parse(listed.stdout).map((k: any) => [k.id, k.label]), [[id, 'backend']]);
    assert.ok(!listed.stdout.includes(key), 'the key itself is never listed');

    const { url } = await startServe(t, cli, ['--db', db, '--cache-ms', '0']);
    await connectAthlete(url, emu, { athleteId: 77 });
    const withKey = () => fetch(`${url}/v1/athletes/77/token`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal((await withKey()).status, 200);
    const revoked = await keys.run(['serve', 'keys', 'revoke', id, '--db', db]);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal((await withKey()).status, 401);
    const again = await keys.run(['serve', 'keys', 'revoke', id, '--db', db]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /no API key has the id/);
  });

  test('keys on a database others can read: a warning with the chmod command, on stderr', async (t) => {
    const keys = await fakeCli(t);
    const path = join(keys.home, 'service.db');
    const created = await keys.run(['serve', 'keys', 'create', '--db', `sqlite:${path}`]);
    assert.equal(created.code, 0, created.stderr);
    assert.doesNotMatch(created.stderr, /warning/);
    await chmod(path, 0o640);
    const listed = await keys.run(['serve', 'keys', 'list', '--db', `sqlite:${path}`]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.ok(listed.stderr.includes(`warning: strava-auth: the file ${path} is accessible by other users (mode 640)`), listed.stderr);
    assert.ok(listed.stderr.includes(`Fix it with: chmod 600 ${path}\n`), listed.stderr);
  });

  test('SIGTERM while a token request waits on Strava: that request still gets its 200, then exit 0', async (t) => {
    // The emulator's clock runs five hours fifty-nine minutes behind: its tokens expire a minute
    // from now by the service's clock, so the first token request refreshes.
    const emu = await startTestEmulator(t, { clock: new ManualClock({ start: Date.now() - (6 * HOUR - 60) * 1000, frozen: true }) });
    const gate = await startGate(t, emu.url);
    const cli = await cliSandbox(t, { ...emulatorEnv(emu, gate.url), STRAVA_AUTH_API_KEYS: 'k1,k2' });
    const { run, url } = await startServe(t, cli, ['--db', `sqlite:${join(cli.home, 'service.db')}`]);
    await connectAthlete(url, emu, { athleteId: 88 });

    const waiting = gate.hold();
    const request = fetch(`${url}/v1/athletes/88/token`, { headers: { authorization: 'Bearer k2' } });
    await waiting;
    run.child.kill('SIGTERM');
    await run.waitForStderr(/"msg":"draining"/);
    gate.release();
    const response = await request;
    assert.equal(response.status, 200);
    assert.equal((await response.json()).athlete_id, 88);
    const result = await run.done;
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /"msg":"stopped"/);
    assert.equal(emu.stats().grants.refresh_token, 1);
    assert.deepEqual(JSON.parse(result.stdout).url, url);
  });

  test('webhooks: a subscription created with the CLI; the athlete revokes in Strava; the token API answers 410', async (t) => {
    const emu = await startTestEmulator(t);
    const cli = await cliSandbox(t, { ...emulatorEnv(emu), STRAVA_AUTH_API_KEYS: 'k1', STRAVA_WEBHOOK_VERIFY_TOKEN: 'the-verify-token' });
    const { run, url } = await startServe(t, cli, ['--db', `sqlite:${join(cli.home, 'service.db')}`]);
    const created = await cli.run(['webhooks', 'create', '--callback-url', `${url}/webhook`, '--json']);
    assert.equal(created.code, 0, created.stderr);
    await connectAthlete(url, emu, { athleteId: 90 });
    const token = () => fetch(`${url}/v1/athletes/90/token`, { headers: { authorization: 'Bearer k1' } });
    assert.equal((await token()).status, 200);
    assert.equal((await emu.deauthorizeInSettings(90))?.status, 'delivered');
    await run.waitForStderr(/"msg":"athlete deauthorized","athlete_id":90/);
    assert.equal((await token()).status, 410);
    run.child.kill('SIGTERM');
    const result = await run.done;
    assert.equal(result.code, 0);
    assert.ok(!result.stderr.includes('the-verify-token'));
  });

  test('--forward-url without a forward secret: refused at start (a usage error, exit 2), with the remedy', async (t) => {
    const emu = await startTestEmulator(t);
    const cli = await fakeCli(t, emulatorEnv(emu));
    const result = await cli.run(['serve', '--port', '0', '--db', `sqlite:${join(cli.home, 'service.db')}`, '--forward-url', 'https://app.example/hook']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /no forward secret/);
    assert.match(result.stderr, /STRAVA_AUTH_FORWARD_SECRET/);
  });

  test('the log: JSON lines on stderr, no token, key or client secret in any', async (t) => {
    const emu = await startTestEmulator(t);
    const cli = await cliSandbox(t, { ...emulatorEnv(emu), STRAVA_AUTH_API_KEYS: 'the-api-key' });
    const { run, url } = await startServe(t, cli, ['--db', `sqlite:${join(cli.home, 'service.db')}`]);
    const { callbackUrl } = await connectAthlete(url, emu, { athleteId: 5 });
    const token = (await (await fetch(`${url}/v1/athletes/5/token`, { headers: { authorization: 'Bearer the-api-key' } })).json()).access_token;
    await fetch(`${url}/v1/athletes/5/token`, { headers: { authorization: 'Bearer wrong' } });
    run.child.kill('SIGTERM');
    const result = await run.done;
    assert.equal(result.code, 0);
    const lines = result.stderr.trim().split('\n');
    for (const line of lines) JSON.parse(line);
    for (const secret of [token, 'the-api-key', emu.clientSecret, callbackUrl.searchParams.get('code')!, callbackUrl.searchParams.get('state')!]) {
      assert.ok(!result.stderr.includes(secret), 'a secret reached the log');
    }
    assert.ok(lines.some((line) => /"route":"\/v1\/athletes\/:id\{\[0-9\]\+\}\/token","path":"\/v1\/athletes\/5\/token","status":401/.test(line)));
  });
});

/**
 * `strava-auth emulator` as `runEmulatorCommand`: called directly with fake IO, stopped with an
 * AbortSignal in place of Ctrl+C.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { runEmulatorCommand } from '../src/emulator/index.ts';

/**
 * Fake IO whose `started(exit)` resolves with stdout once the command has printed its details,
 * and fails (rather than hangs) if the command returns first.
 */
function fakeIo() {
  let out = '';
  let err = '';
  let announce: (text: string) => void = () => {};
  const started = new Promise<string>((resolve) => {
    announce = resolve;
  });
  const controller = new AbortController();
  return {
    io: {
      stdout: { write: (text: string) => { out += text; announce(out); } },
      stderr: { write: (text: string) => { err += text; } },
      signal: controller.signal,
    },
    started: (exit: Promise<number>) =>
      Promise.race([
        started,
        exit.then((code) => {
          throw new Error(`The command ended (exit ${code}) before printing its details. Stderr:\n${err}`);
        }),
      ]),
    stop: () => controller.abort(),
    out: () => out,
    err: () => err,
  };
}

test('--help prints the usage to stdout and exits 0', async () => {
  const fake = fakeIo();
  assert.equal(await runEmulatorCommand(['--help'], fake.io), 0);
  assert.match(fake.out(), /^Usage: strava-auth emulator \[options\]/);
  assert.match(fake.out(), /--consent approve\|deny/);
});

const usageErrors: Array<{ argv: string[]; message: RegExp }> = [
  { argv: ['--bogus'], message: /Unknown option '--bogus'/ },
  { argv: ['--port', 'eighty'], message: /--port must be a whole number from 0 to 65535, not 'eighty'/ },
  { argv: ['--port', '70000'], message: /--port must be a whole number/ },
  { argv: ['--client-id', '-3'], message: /--client-id/ },
  { argv: ['--consent', 'maybe'], message: /--consent must be approve or deny, not 'maybe'/ },
  { argv: ['extra'], message: /positional/ },
];
for (const c of usageErrors) {
  test(`${c.argv.join(' ')}: exit 2, the problem and where to look on stderr`, async () => {
    const fake = fakeIo();
    assert.equal(await runEmulatorCommand(c.argv, fake.io), 2);
    assert.match(fake.err(), c.message);
    assert.match(fake.err(), /Run 'strava-auth emulator --help'/);
    assert.equal(fake.out(), '');
  });
}

test('prints URL, client id, secret and export lines, serves until stopped, then exits 0', async () => {
  const fake = fakeIo();
  const exit = runEmulatorCommand(['--client-id', '4242', '--client-secret', 'abc123'], fake.io);
  const out = await fake.started(exit);
  const url = /running at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
  assert.ok(url, out);
  assert.match(out, /client id: +4242/);
  assert.match(out, /client secret: +abc123/);
  assert.ok(out.includes(`export STRAVA_BASE_URL=${url} STRAVA_CLIENT_ID=4242 STRAVA_CLIENT_SECRET=abc123\n`));
  const info = await (await fetch(`${url}/_emulator`)).json();
  assert.equal(info.clientId, 4242);
  fake.stop();
  assert.equal(await exit, 0);
  assert.match(fake.err(), /Press Ctrl\+C to stop\.\n/);
  assert.match(fake.err(), /GET \/_emulator 200/);
  assert.match(fake.err(), /Emulator stopped\.\n$/);
  await assert.rejects(fetch(`${url}/_emulator`), 'the server is gone');
});

test('--json prints one JSON line; --consent approve answers authorize at once', async () => {
  const fake = fakeIo();
  const exit = runEmulatorCommand(['--json', '--consent', 'approve', '--callback-domain', 'example.com'], fake.io);
  const details = JSON.parse(await fake.started(exit));
  assert.deepEqual(Object.keys(details), ['url', 'oauthUrl', 'apiUrl', 'clientId', 'clientSecret', 'callbackDomain', 'statePath', 'consent', 'env']);
  assert.equal(details.callbackDomain, 'example.com');
  assert.deepEqual(details.env, { STRAVA_BASE_URL: details.url, STRAVA_CLIENT_ID: '12345', STRAVA_CLIENT_SECRET: 'emulator-secret-0123456789abcdef' });
  const response = await fetch(`${details.url}/oauth/authorize?client_id=12345&response_type=code&redirect_uri=https://app.example.com/cb`, { redirect: 'manual' });
  assert.equal(response.status, 302);
  fake.stop();
  assert.equal(await exit, 0);
  assert.equal(fake.out().split('\n').filter(Boolean).length, 1);
});

test('a port already in use: exit 1 with the reason', async (t) => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.after(() => blocker.close());
  const port = (blocker.address() as { port: number }).port;
  const fake = fakeIo();
  assert.equal(await runEmulatorCommand(['--port', String(port)], fake.io), 1);
  assert.match(fake.err(), /could not start: .*EADDRINUSE/);
});

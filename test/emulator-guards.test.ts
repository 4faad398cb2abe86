/**
 * The emulator's edges against a hostile client or page (issue 9): control numbers are finite and
 * bounded, control routes refuse cross-origin browser requests, and an upload's token is checked
 * before its body is read, which is capped while it arrives.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, test } from 'node:test';
import { MAX_UPLOAD_BYTES } from '../src/emulator/api/upload-routes.ts';
import { startTestEmulator } from './helpers/emulator.ts';
import { answerBeforeBody } from './helpers/raw-http.ts';

async function control(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

describe('numbers in control routes are finite and bounded', () => {
  test('POST /_emulator/clock {"advance":1e308} is refused and later expires_at stay numbers (issue 9)', async (t) => {
    const emu = await startTestEmulator(t);
    const before = emu.clock.now();
    const refused = await control(`${emu.url}/_emulator/clock`, { advance: 1e308 });
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.body.errors, [{ resource: 'Emulator', field: 'advance', code: 'invalid' }]);
    assert.match(refused.body.message, /^advance must be a number from -\d+ to \d+\./);
    assert.equal(emu.clock.now(), before, 'the clock did not move');
    const minted = await control(`${emu.url}/_emulator/tokens`, { scopes: ['read'] });
    assert.equal(typeof minted.body.expires_at, 'number');
  });

  const cases: Array<{ name: string; path: string; body: unknown; field: string }> = [
    { name: 'a clock advance of 1000 years', path: '/_emulator/clock', body: { advance: 1000 * 365 * 86_400 }, field: 'advance' },
    { name: 'a clock moved before 1970', path: '/_emulator/clock', body: { advance: -1e11 }, field: 'advance' },
    { name: 'a clock advance as a string', path: '/_emulator/clock', body: { advance: '60' }, field: 'advance' },
    { name: 'a rate limit of 1e300', path: '/_emulator/rate-limits', body: { overall: [1e300, 1] }, field: 'rateLimits.overall' },
    { name: 'a negative rate limit', path: '/_emulator/rate-limits', body: { read: [-1, 1] }, field: 'rateLimits.read' },
    { name: 'a fractional rate limit', path: '/_emulator/rate-limits', body: { read: [1.5, 1] }, field: 'rateLimits.read' },
    { name: 'upload processing of 1e308 seconds', path: '/_emulator/upload-processing', body: { seconds: 1e308 }, field: 'uploadProcessing.seconds' },
    { name: 'upload processing of 1e9 polls', path: '/_emulator/upload-processing', body: { polls: 1e9 }, field: 'uploadProcessing.polls' },
    { name: 'a seed of 1e12 activities', path: '/_emulator/activities', body: { athleteId: 1, count: 1e12 }, field: 'activities' },
    { name: 'a fault latency of a day', path: '/_emulator/faults', body: { latencyMs: 86_400_000 }, field: 'faults' },
  ];
  for (const { name, path, body, field } of cases) {
    test(`${name}: 400 naming ${field}`, async (t) => {
      const emu = await startTestEmulator(t);
      const { status, body: answer } = await control(`${emu.url}${path}`, body);
      assert.equal(status, 400, JSON.stringify(answer));
      assert.deepEqual(answer.errors, [{ resource: 'Emulator', field, code: 'invalid' }]);
    });
  }

  test('GET /_emulator/rate-limits?client_id=abc is 400, not usage of app NaN', async (t) => {
    const emu = await startTestEmulator(t);
    assert.equal((await fetch(`${emu.url}/_emulator/rate-limits?client_id=abc`)).status, 400);
    assert.equal((await fetch(`${emu.url}/_emulator/rate-limits?client_id=${emu.clientId}`)).status, 200);
  });
});

describe('control routes refuse cross-origin browser requests', () => {
  test('a page on another origin cannot mint tokens, move the clock or read the client secret', async (t) => {
    const emu = await startTestEmulator(t);
    const foreign: Array<Record<string, string>> = [
      { origin: 'http://evil.example' },
      { origin: `http://127.0.0.1:${emu.port + 1}` },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ];
    for (const headers of foreign) {
      const minted = await control(`${emu.url}/_emulator/tokens`, { scopes: ['read'] }, headers);
      assert.equal(minted.status, 403, JSON.stringify(headers));
      assert.deepEqual(minted.body.errors, [{ resource: 'Emulator', field: 'origin', code: 'cross-origin' }]);
      assert.equal((await control(`${emu.url}/_emulator/clock`, { advance: 60 }, headers)).status, 403);
      const described = await fetch(`${emu.url}/_emulator`, { headers });
      assert.equal(described.status, 403);
      assert.doesNotMatch(await described.text(), new RegExp(emu.clientSecret));
    }
    assert.equal(emu.stats().grants.authorization_code ?? 0, 0);
  });

  test('the emulator\'s own origin, a typed URL and clients without Origin still drive it', async (t) => {
    const emu = await startTestEmulator(t);
    const own: Array<Record<string, string>> = [
      {},
      { origin: emu.url },
      { origin: `http://localhost:${emu.port}` },
      { 'sec-fetch-site': 'same-origin' },
      { 'sec-fetch-site': 'none' },
    ];
    for (const headers of own) assert.equal((await control(`${emu.url}/_emulator/tokens`, { scopes: ['read'] }, headers)).status, 200, JSON.stringify(headers));
  });

  test('the consent page\'s own form post still works with the browser\'s Origin', async (t) => {
    const emu = await startTestEmulator(t);
    const page = await fetch(`${emu.url}/oauth/authorize?client_id=${emu.clientId}&redirect_uri=http://localhost:8080/cb&response_type=code&scope=read`);
    const requestId = /name="request_id" value="([^"]+)"/.exec(await page.text())?.[1];
    assert.ok(requestId);
    const answer = await fetch(`${emu.url}/oauth/accept`, {
      method: 'POST',
      headers: { origin: emu.url, 'sec-fetch-site': 'same-origin', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ request_id: requestId, decision: 'approve', scope: 'read' }),
      redirect: 'manual',
    });
    assert.equal(answer.status, 302);
    assert.match(answer.headers.get('location') ?? '', /code=[0-9a-f]{40}/);
  });
});

describe('uploads: the token first, then a capped body', () => {
  const head = (port: number, token: string, length: number) =>
    `POST /api/v3/uploads HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${token}\r\n` +
    `Content-Type: multipart/form-data; boundary=x\r\nContent-Length: ${length}\r\n\r\n`;

  test('a bad token is answered 401 before the body is sent (issue 9: 32 MB were read first)', async (t) => {
    const emu = await startTestEmulator(t);
    assert.equal(await answerBeforeBody(emu.port, head(emu.port, 'not-a-token', 10_000_000)), 401);
  });

  test('a token without activity:write is answered 401 before the body is sent', async (t) => {
    const emu = await startTestEmulator(t);
    const token = emu.issueTokens({ scopes: ['activity:read'] }).access_token;
    assert.equal(await answerBeforeBody(emu.port, head(emu.port, token, 10_000_000)), 401);
  });

  test('Expect: 100-continue: a bad token gets 401 instead of the go-ahead; a good one gets 100, then 201', async (t) => {
    const emu = await startTestEmulator(t);
    const expect = (token: string, length: number, type = 'multipart/form-data; boundary=x') =>
      head(emu.port, token, length).replace('multipart/form-data; boundary=x\r\n', `${type}\r\nExpect: 100-continue\r\n`);
    assert.equal(await answerBeforeBody(emu.port, expect('not-a-token', 10_000_000)), 401);
    const token = emu.issueTokens({ scopes: ['activity:write'] }).access_token;
    const form = new FormData();
    form.set('data_type', 'gpx');
    form.set('file', new Blob(['<gpx/>']), 'a.gpx');
    const encoded = new Request('http://x/', { method: 'POST', body: form });
    const body = Buffer.from(await encoded.arrayBuffer());
    const statuses = await new Promise<number[]>((resolve, reject) => {
      const socket = connect(emu.port, '127.0.0.1');
      const seen: number[] = [];
      socket.on('error', reject);
      socket.on('data', (data: Buffer) => {
        for (const match of data.toString('latin1').matchAll(/HTTP\/1\.1 (\d{3})/g)) seen.push(Number(match[1]));
        if (seen.length === 1 && seen[0] === 100) socket.write(body);
        if (seen.some((status) => status >= 200)) {
          socket.destroy();
          resolve(seen);
        }
      });
      socket.on('close', () => reject(new Error(`closed after ${JSON.stringify(seen)}`)));
      socket.write(expect(token, body.length, encoded.headers.get('content-type')!));
    });
    assert.deepEqual(statuses, [100, 201]);
  });

  test('a declared length over the cap is answered 413 before the body is sent', async (t) => {
    const emu = await startTestEmulator(t);
    const token = emu.issueTokens({ scopes: ['activity:write'] }).access_token;
    assert.equal(await answerBeforeBody(emu.port, head(emu.port, token, MAX_UPLOAD_BYTES + 1)), 413);
  });

  test('a chunked body is refused with 413 once it passes the cap, not after it ends', async (t) => {
    const emu = await startTestEmulator(t);
    const token = emu.issueTokens({ scopes: ['activity:write'] }).access_token;
    const chunk = Buffer.alloc(1024 * 1024, 'a');
    const limit = 3 * MAX_UPLOAD_BYTES; // the body this client would send if nobody stopped it
    const { status, sent } = await new Promise<{ status: number; sent: number }>((resolve, reject) => {
      const socket = connect(emu.port, '127.0.0.1');
      let sent = 0;
      let answered = false;
      socket.on('error', () => {});
      socket.on('data', (data: Buffer) => {
        answered = true;
        resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(data.toString('latin1'))?.[1]), sent });
        socket.destroy();
      });
      socket.on('close', () => answered || reject(new Error(`closed without an answer after ${sent} bytes`)));
      socket.write(head(emu.port, token, 0).replace('Content-Length: 0', 'Transfer-Encoding: chunked'));
      const pump = (): void => {
        while (!answered && sent < limit) {
          sent += chunk.length;
          if (!socket.write(Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]))) {
            socket.once('drain', pump);
            return;
          }
        }
        if (!answered) reject(new Error(`${sent} bytes sent and still no answer`));
      };
      pump();
    });
    assert.equal(status, 413);
    assert.ok(sent < 2 * MAX_UPLOAD_BYTES, `answered after ${sent} bytes, cap ${MAX_UPLOAD_BYTES}`);
    t.diagnostic(`413 after ${sent} bytes sent (cap ${MAX_UPLOAD_BYTES})`);
  });
});

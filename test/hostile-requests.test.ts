/**
 * Every HTTP server here (login's loopback callback server, the emulator, the token service) answers any malformed
 * request with a 4xx, or closes a connection that is not HTTP at all, and keeps serving. Requests
 * go over raw TCP: no HTTP client would send most of them.
 */
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { startLoopbackServer } from '../src/cli/loopback-server.ts';
import { startTestEmulator } from './helpers/emulator.ts';
import { rawExchange } from './helpers/raw-http.ts';
import { startTestService } from './helpers/serve.ts';

/** A running server, and a request it answers 200. */
interface Target {
  port: number;
  goodPath: string;
}

const servers: Record<string, (t: TestContext) => Promise<Target>> = {
  emulator: async (t) => {
    const emu = await startTestEmulator(t);
    return { port: emu.port, goodPath: '/_emulator' };
  },
  'login loopback server': async (t) => {
    const server = await startLoopbackServer(0, async () => ({ status: 200, html: 'ok' }));
    t.after(() => server.close());
    return { port: Number(new URL(server.redirectUri).port), goodPath: '/callback?code=c&state=s' };
  },
  'token service (serve)': async (t) => {
    const svc = await startTestService(t, await startTestEmulator(t));
    return { port: svc.running.port, goodPath: '/healthz' };
  },
};

const get = (target: string, host: string) => `GET ${target} HTTP/1.1\r\nHost: ${host}\r\n\r\n`;

/**
 * Malformed requests and what they get; `null` means the connection may also close unanswered.
 * `orNotFound`: a server without the route may answer 404 before the body is read (and then
 * never sees the broken body).
 */
const cases: Array<{ name: string; request: (port: number) => string; status: number | null; orNotFound?: true }> = [
  { name: 'GET // (issue 9: an uncaught TypeError ended the process)', request: (p) => get('//', `127.0.0.1:${p}`), status: 400 },
  { name: 'a scheme-relative target //evil.example/callback', request: (p) => get('//evil.example/callback', `127.0.0.1:${p}`), status: 400 },
  { name: 'a backslash target /\\evil.example', request: (p) => get('/\\evil.example', `127.0.0.1:${p}`), status: 400 },
  { name: 'a broken escape /callback?code=%zz', request: (p) => get('/callback?code=%zz', `127.0.0.1:${p}`), status: 400 },
  { name: 'the asterisk form *', request: (p) => get('*', `127.0.0.1:${p}`), status: 400 },
  { name: 'the absolute form', request: (p) => get(`http://127.0.0.1:${p}/callback`, `127.0.0.1:${p}`), status: 400 },
  { name: 'a 9000-character target', request: (p) => get(`/${'a'.repeat(9000)}`, `127.0.0.1:${p}`), status: 414 },
  { name: 'a target longer than the header limit', request: (p) => get(`/${'a'.repeat(20_000)}`, `127.0.0.1:${p}`), status: 431 },
  { name: 'no Host', request: () => 'GET /callback HTTP/1.1\r\n\r\n', status: 400 },
  { name: 'HTTP/1.0 without Host', request: () => 'GET /callback HTTP/1.0\r\n\r\n', status: 400 },
  { name: 'a foreign Host (DNS rebinding)', request: (p) => get('/callback', `evil.example:${p}`), status: 421 },
  { name: 'the loopback address on another port', request: (p) => get('/callback', `127.0.0.1:${p + 1}`), status: 421 },
  { name: 'a Host without the port', request: () => get('/callback', '127.0.0.1'), status: 421 },
  { name: 'two Host headers', request: (p) => `GET /callback HTTP/1.1\r\nHost: 127.0.0.1:${p}\r\nHost: evil.example\r\n\r\n`, status: 400 },
  { name: 'a 20 kB header', request: (p) => `GET /callback HTTP/1.1\r\nHost: 127.0.0.1:${p}\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`, status: 431 },
  { name: 'an unknown method token', request: () => 'HELLO\r\n\r\n', status: 400 },
  { name: 'a header line without a colon', request: (p) => `GET /callback HTTP/1.1\r\nHost: 127.0.0.1:${p}\r\nbroken\r\n\r\n`, status: 400 },
  { name: 'bytes that are not HTTP', request: () => '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03', status: 400 },
  { name: 'HTTP/2 preface', request: () => 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', status: 400 },
  {
    name: 'a bad chunk size',
    request: (p) => `POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1:${p}\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n`,
    status: 400,
    orNotFound: true,
  },
  {
    name: 'Content-Length twice',
    request: (p) => `POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1:${p}\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabc`,
    status: 400,
  },
  {
    name: 'Content-Length and chunked together (request smuggling)',
    request: (p) => `POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1:${p}\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    status: 400,
  },
  {
    name: 'a Transfer-Encoding other than chunked',
    request: (p) => `POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1:${p}\r\nTransfer-Encoding: gzip\r\n\r\n`,
    status: 400,
  },
  {
    name: 'a body cut short',
    request: (p) => `POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1:${p}\r\nContent-Length: 100\r\n\r\nabc`,
    status: null,
  },
];

for (const [serverName, start] of Object.entries(servers)) {
  describe(`${serverName}: malformed requests get a 4xx and the server keeps serving`, () => {
    for (const { name, request, status, orNotFound } of cases) {
      test(name, async (t) => {
        const { port, goodPath } = await start(t);
        const answer = await rawExchange(port, request(port));
        if (status === null) assert.ok(answer.status === null || answer.status < 500, answer.text);
        else if (!(orNotFound && answer.status === 404)) assert.equal(answer.status, status, answer.text);
        const good = await rawExchange(port, get(goodPath, `127.0.0.1:${port}`));
        assert.equal(good.status, 200, 'the server still answers a good request');
      });
    }

    test('Host may name 127.0.0.1, localhost or [::1] with the port', async (t) => {
      const { port, goodPath } = await start(t);
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
        assert.equal((await rawExchange(port, get(goodPath, host))).status, 200, host);
      }
    });
  });
}

describe('emulator: bodies', () => {
  const post = (port: number, path: string, headers: string, body: string) =>
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${headers}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

  const bodyCases: Array<{ name: string; path: string; headers: string; body: string; status: number; field: string }> = [
    { name: 'bad JSON to a control route', path: '/_emulator/clock', headers: 'Content-Type: application/json\r\n', body: '{"advance":', status: 400, field: 'advance' },
    { name: 'HTML to a control route', path: '/_emulator/clock', headers: 'Content-Type: text/html\r\n', body: '{"advance":1}', status: 415, field: 'content-type' },
    { name: 'a compressed body', path: '/oauth/token', headers: 'Content-Encoding: gzip\r\n', body: 'xx', status: 415, field: 'content-encoding' },
    { name: 'bad JSON to the token endpoint', path: '/oauth/token', headers: 'Content-Type: application/json\r\n', body: '{nope', status: 400, field: 'client_id' },
  ];
  for (const { name, path, headers, body, status, field } of bodyCases) {
    test(`${name}: ${status} naming ${field}`, async (t) => {
      const emu = await startTestEmulator(t);
      const answer = await rawExchange(emu.port, post(emu.port, path, headers, body));
      assert.equal(answer.status, status, answer.text);
      assert.match(answer.text, new RegExp(`"field":"${field}"`));
    });
  }
});

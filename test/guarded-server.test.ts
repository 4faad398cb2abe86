/**
 * The guarded server every loopback server here is built on: node:http timeouts close connections
 * that stall, and whatever a handler throws becomes an answer, never a crash.
 */
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { createGuardedServer, listenOnLoopback, type GuardedHandler, type GuardedServerOptions } from '../src/node/http/guarded-server.ts';
import { readBody } from '../src/node/http/read-body.ts';
import { RequestRejectedError } from '../src/node/http/request-rejected-error.ts';
import { rawExchange } from './helpers/raw-http.ts';

async function start(t: TestContext, handler: GuardedHandler, options: GuardedServerOptions = {}): Promise<number> {
  const server = createGuardedServer(handler, options);
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return listenOnLoopback(server, 0);
}

const ok: GuardedHandler = (_req, res) => void res.end('ok');
const get = (port: number, path = '/') => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`;

// Short limits so the timeouts fire within the exchange bound; the defaults are seconds long.
const quick = { limits: { headersTimeoutMs: 200, requestTimeoutMs: 400, checkIntervalMs: 50 } };

describe('timeouts', () => {
  test('headers that never end are answered 408 and the connection closed', async (t) => {
    const port = await start(t, ok, quick);
    const answer = await rawExchange(port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`, { keepOpen: true });
    assert.equal(answer.status, 408, answer.text);
    assert.equal((await rawExchange(port, get(port))).status, 200);
  });

  test('a connection that sends nothing is closed', async (t) => {
    const port = await start(t, ok, quick);
    const answer = await rawExchange(port, '', { keepOpen: true });
    assert.ok(answer.status === null || answer.status === 408, answer.text);
  });

  test('a body that stops arriving ends the request, not the server', async (t) => {
    const port = await start(t, async (req, res) => void res.end(await readBody(req, 1000)), quick);
    const answer = await rawExchange(port, `POST / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 100\r\n\r\nabc`, { keepOpen: true });
    assert.ok(answer.status === null || (answer.status >= 400 && answer.status < 500), answer.text);
    assert.equal((await rawExchange(port, get(port))).status, 200);
  });
});

describe('handler failures', () => {
  const cases: Array<{ name: string; handler: GuardedHandler; status: number }> = [
    { name: 'a synchronous throw', handler: () => { throw new TypeError('boom'); }, status: 500 },
    { name: 'a rejection', handler: async () => { throw new TypeError('boom'); }, status: 500 },
    { name: 'a RequestRejectedError', handler: async () => { throw new RequestRejectedError(413, 'body', 'Too big.'); }, status: 413 },
  ];
  for (const { name, handler, status } of cases) {
    test(`${name} is answered ${status} and the server keeps serving`, async (t) => {
      const lines: string[] = [];
      let calls = 0;
      const port = await start(t, (req, res, url) => (calls++ === 0 ? handler(req, res, url) : ok(req, res, url)), { log: (line) => lines.push(line) });
      assert.equal((await rawExchange(port, get(port, '/?secret=s3cr3t'))).status, status);
      assert.equal((await rawExchange(port, get(port))).status, 200);
      assert.equal(lines.length, 1);
      assert.doesNotMatch(lines.join('\n'), /s3cr3t|boom/, 'the log names no request content');
    });
  }
});

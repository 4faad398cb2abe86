/** Serves a Hono app on 127.0.0.1 (any free port) with @hono/node-server, closed when the test ends. */
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';

export async function serveOnLoopback(t: TestContext, app: Hono): Promise<string> {
  const port = await new Promise<number>((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve(info.port));
    t.after(
      () =>
        new Promise<void>((done) => {
          (server as { closeAllConnections?: () => void }).closeAllConnections?.();
          server.close(() => done());
        }),
    );
  });
  return `http://127.0.0.1:${port}`;
}

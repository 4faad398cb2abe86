import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the browser is shown for one request to the callback path. */
export interface CallbackReply {
  status: number;
  html: string;
}

/** A one-shot HTTP server on 127.0.0.1 that receives Strava's redirect at the end of a login. */
export interface LoopbackServer {
  /** `http://127.0.0.1:<port>/callback`: what the authorize URL names as redirect_uri. */
  redirectUri: string;
  close(): Promise<void>;
}

/**
 * Starts the loopback server. Every GET of the callback path goes to `onCallback`, whose reply the
 * browser shows; anything else is 404. Bound to 127.0.0.1 only: nothing on the network can reach it.
 * A `port` of 0 picks a free one.
 */
export async function startLoopbackServer(
  port: number,
  onCallback: (url: URL) => Promise<CallbackReply>,
): Promise<LoopbackServer> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== '/callback') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    onCallback(url).then(
      (reply) => {
        // No caching and no referrer: the URL carries a one-time code.
        res.writeHead(reply.status, {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-store',
          'referrer-policy': 'no-referrer',
          connection: 'close',
        });
        res.end(reply.html);
      },
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    redirectUri: `http://127.0.0.1:${bound}/callback`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

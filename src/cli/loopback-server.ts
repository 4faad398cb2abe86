import type { Server } from 'node:http';
import { createGuardedServer, listenOnLoopback } from '../node/http/guarded-server.ts';

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
 * A malformed request or a foreign Host (DNS rebinding) is refused with a 4xx and the wait goes on.
 * A `port` of 0 picks a free one.
 */
export async function startLoopbackServer(
  port: number,
  onCallback: (url: URL) => Promise<CallbackReply>,
): Promise<LoopbackServer> {
  const server: Server = createGuardedServer(async (req, res, target) => {
    const { url } = target;
    if (req.method !== 'GET' || url.pathname !== '/callback') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    const reply = await onCallback(url);
    // No caching and no referrer: the URL carries a one-time code.
    res.writeHead(reply.status, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      connection: 'close',
    });
    res.end(reply.html);
  });
  const bound = await listenOnLoopback(server, port);
  return {
    redirectUri: `http://127.0.0.1:${bound}/callback`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Runs a token service on Node's HTTP server, with the hardening every server here has. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { createGuardedServer, type ServerLimits } from '../node/http/guarded-server.ts';
import { isLoopbackHost } from '../node/http/loopback-host.ts';
import type { RequestRejectedError } from '../node/http/request-rejected-error.ts';
import { errorBody } from './error-response.ts';
import type { TokenService } from './token-service.ts';

/** Options of {@link startNodeServer}. */
export interface NodeServerOptions {
  /** Default 127.0.0.1. Anything else exposes the service to the network: put TLS in front. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** The public URL, whose host is accepted in `Host` besides the loopback names. */
  publicUrl?: string;
  limits?: Partial<ServerLimits>;
  /** One line per refused request (never request content). */
  log?: (line: string) => void;
}

/** A listening service. */
export interface RunningServer {
  server: Server;
  /** `http://HOST:PORT`. */
  url: string;
  port: number;
  /**
   * Stops taking connections, lets the requests under way finish (closing idle keep-alive
   * connections at once), and resolves when the last one has; after `graceMs` the rest are cut.
   */
  close(graceMs?: number): Promise<void>;
}

const LOOPBACK_BINDS = ['127.0.0.1', 'localhost', '::1'];

/**
 * Which Host headers the server accepts. On loopback, only loopback names and the public URL's
 * host (a browser page cannot rebind a foreign name onto it); bound to the network, any: the
 * API is guarded by keys, not by the name a client used.
 */
function hostRule(bind: string, publicUrl: string | undefined): (host: string, port: number) => boolean {
  if (!LOOPBACK_BINDS.includes(bind)) return () => true;
  const publicHost = publicUrl ? new URL(publicUrl).host.toLowerCase() : undefined;
  return (host, port) => isLoopbackHost(host, port) || (publicHost !== undefined && host.trim().toLowerCase() === publicHost);
}

function rejectAsJson(res: import('node:http').ServerResponse, error: RequestRejectedError): void {
  res
    .writeHead(error.status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
    .end(JSON.stringify(errorBody({ status: error.status, code: error.code, message: error.message.replace(` ${error.remedy}`, ''), remedy: error.remedy })));
}

/**
 * Serves `service` on Node: a guarded server (malformed requests answered 4xx, handler failures
 * 500, limits on headers, bodies and time) in front of Hono's Node adapter.
 */
export async function startNodeServer(service: TokenService, options: NodeServerOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const listener = getRequestListener((request) => service.fetch(request));
  const server = createGuardedServer((req, res) => listener(req, res), {
    reject: rejectAsJson,
    isAllowedHost: hostRule(host, options.publicUrl),
    ...(options.log ? { log: options.log } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    server,
    url: `http://${urlHost}:${port}`,
    port,
    close: (graceMs = 10_000) =>
      new Promise<void>((resolve) => {
        const cut = setTimeout(() => server.closeAllConnections(), graceMs);
        cut.unref();
        // A keep-alive connection whose request finishes while draining would otherwise linger
        // until its keep-alive timeout: idle ones are closed now and every 50 ms until the end
        // (a poll rather than a listener on every response, which the hot path would pay for).
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        sweep.unref();
        server.close(() => {
          clearTimeout(cut);
          clearInterval(sweep);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

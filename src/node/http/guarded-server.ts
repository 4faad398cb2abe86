import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { deferContinue } from './read-body.ts';
import { remembered } from '../../core/remembered.ts';
import { isLoopbackHost } from './loopback-host.ts';
import { checkRequest } from './request-guard.ts';
import { RequestRejectedError } from './request-rejected-error.ts';
import type { RequestTarget } from './request-target.ts';

/** node:http limits of every server here; generous for a browser or a test client, small for a flood. */
export const SERVER_LIMITS = {
  /** Request line plus headers, bytes (431 beyond). */
  maxHeaderSize: 16 * 1024,
  maxHeadersCount: 100,
  /** From connection (or the previous request) to the end of the headers (408 beyond). */
  headersTimeoutMs: 10_000,
  /** Whole request, body included: a 32 MB upload over loopback takes well under a second. */
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 5_000,
  /** How often node looks for requests past their timeouts (node's default, 30 s, would triple them). */
  checkIntervalMs: 1_000,
};

/** The limits a server runs with; see {@link SERVER_LIMITS}. */
export type ServerLimits = typeof SERVER_LIMITS;

/** A route-level handler: runs only for requests that passed {@link checkRequest}. */
export type GuardedHandler = (req: IncomingMessage, res: ServerResponse, target: RequestTarget) => unknown;

/** Options of {@link createGuardedServer}. */
export interface GuardedServerOptions {
  /** Writes the answer to a refused request (default: plain text naming the problem). */
  reject?: (res: ServerResponse, error: RequestRejectedError) => void;
  /** One line per refused request or handler failure; never request content. */
  log?: (line: string) => void;
  /** Tighter or looser limits than {@link SERVER_LIMITS} (tests use short timeouts). */
  limits?: Partial<ServerLimits>;
  /** Which Host headers name this server (default: the loopback names with its port). */
  isAllowedHost?: (host: string, port: number) => boolean;
}

/**
 * An HTTP server that nothing a client sends can bring down: node:http limits set, parse errors
 * (`clientError`) answered 400/408/431 and the connection closed, every request checked by
 * {@link checkRequest} before `handler` runs, and whatever `handler` throws or rejects caught (a
 * {@link RequestRejectedError} becomes its 4xx, anything else a 500). Listen with
 * {@link listenOnLoopback}.
 */
export function createGuardedServer(handler: GuardedHandler, options: GuardedServerOptions = {}): Server {
  const reject = options.reject ?? rejectAsText;
  const limits = { ...SERVER_LIMITS, ...options.limits };
  const isAllowedHost = rememberVerdicts(options.isAllowedHost ?? isLoopbackHost);
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    const fail = (error: unknown): void => {
      if (error instanceof RequestRejectedError) {
        options.log?.(`refused ${req.method ?? '?'} request: ${error.status} ${error.field}`);
        if (!res.headersSent && !res.destroyed) {
          // No `Connection: close`: closing with the client's body still arriving resets the
          // connection and can lose this answer. Node discards the rest of the body instead
          // (never buffered), bounded by the request timeout.
          reject(res, error);
          return;
        }
      } else {
        options.log?.(`request handler failed: ${error instanceof Error ? error.name : typeof error}`);
        if (!res.headersSent && !res.destroyed) {
          res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }).end('Internal Server Error');
          return;
        }
      }
      res.destroy();
    };
    try {
      const target = checkRequest(req, req.socket.localPort ?? 0, isAllowedHost);
      Promise.resolve(handler(req, res, target)).catch(fail);
    } catch (error) {
      fail(error);
    }
  };
  const server = createServer(
    {
      maxHeaderSize: limits.maxHeaderSize,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: limits.checkIntervalMs,
    },
    listener,
  );
  // `Expect: 100-continue`: the go-ahead waits until the route reads the body (see readBody).
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    deferContinue(req, res);
    listener(req, res);
  });
  server.maxHeadersCount = limits.maxHeadersCount;
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    // Same answers as node's default handler, plus a log line; a response already under way
    // cannot be replaced, so that connection is just closed.
    const underway = (socket as { _httpMessage?: ServerResponse })._httpMessage?.headersSent === true;
    if (error.code === 'ECONNRESET' || !socket.writable || underway) {
      socket.destroy();
      return;
    }
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    options.log?.(`refused a malformed request: ${status} ${error.code ?? 'parse error'}`);
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });
  return server;
}

/**
 * `rule` with its verdicts on recent Host values remembered: a server sees a handful of them
 * (keep-alive clients repeat theirs on every request). Bounded, so a client inventing names
 * cannot grow it; a verdict for another port is worked out again.
 */
function rememberVerdicts(rule: (host: string, port: number) => boolean, max = 64): (host: string, port: number) => boolean {
  const verdicts = new Map<string, boolean>();
  let verdictsPort = -1;
  return (host, port) => {
    if (port !== verdictsPort) {
      verdicts.clear();
      verdictsPort = port;
    }
    return remembered(verdicts, host, max, () => rule(host, port));
  };
}

/** Starts `server` on 127.0.0.1:`port` (0 = any free port) and resolves with the bound port. */
export async function listenOnLoopback(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

function rejectAsText(res: ServerResponse, error: RequestRejectedError): void {
  res.writeHead(error.status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end(`${error.message}\n`);
}

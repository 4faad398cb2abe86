/**
 * The HTTP side: the route table in one place, and the node:http server that reads a request,
 * runs its route and writes the answer. Binds 127.0.0.1 only: the emulator hands out secrets and
 * tokens to whoever asks, so it must not be reachable from the network.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { isCrossOriginRequest } from '../node/http/cross-origin.ts';
import { createGuardedServer, listenOnLoopback } from '../node/http/guarded-server.ts';
import { readBody } from '../node/http/read-body.ts';
import { RequestRejectedError } from '../node/http/request-rejected-error.ts';
import { registerApiRoutes } from './api/routes.ts';
import type { EmulatorContext } from './context.ts';
import { registerControlRoutes } from './control-routes.ts';
import { notFound } from './errors.ts';
import { fail, json, type EmulatorResponse } from './http.ts';
import { acceptHandler } from './oauth-accept.ts';
import { authorizeHandler } from './oauth-authorize.ts';
import { deauthorizeHandler } from './oauth-deauthorize.ts';
import { revokeHandler } from './oauth-revoke.ts';
import { tokenHandler } from './oauth-token.ts';
import { Router } from './router.ts';
import { registerWebhookRoutes } from './webhooks/routes.ts';

/** Larger bodies are refused: nothing Strava's OAuth endpoints take comes near it. */
const MAX_BODY_BYTES = 1024 * 1024;

/** Every route the emulator answers. API routes are added by `api/routes.ts`. */
export function buildRouter(ctx: EmulatorContext): Router {
  const router = new Router();
  const authorize = authorizeHandler(ctx);
  const token = tokenHandler(ctx);
  router.add('GET', '/oauth/authorize', authorize);
  router.add('GET', '/oauth/mobile/authorize', authorize);
  router.add('POST', '/oauth/accept', acceptHandler(ctx));
  router.add('POST', '/oauth/token', token);
  router.add('POST', '/api/v3/oauth/token', token);
  router.add('POST', '/oauth/revoke', revokeHandler(ctx));
  router.add('POST', '/oauth/deauthorize', deauthorizeHandler(ctx));
  registerControlRoutes(router, ctx);
  registerApiRoutes(router, ctx);
  registerWebhookRoutes(router, ctx);
  return router;
}

/** How the server reports. */
export interface ServerHooks {
  /** One line per request; never secrets (only method, path without query, status). */
  log?: (line: string) => void;
  /** Runs after each handler, before the answer is written (persists state changes). */
  afterHandler?: () => void;
  /** Wraps each request's handling (a state file's lock and reload); the answer is written after it. */
  transaction?: <T>(fn: () => Promise<T>) => Promise<T>;
}

/** Starts listening on 127.0.0.1:`port` (0 = any free port). */
export async function listen(router: Router, ctx: EmulatorContext, port: number, hooks: ServerHooks = {}): Promise<{ server: Server; port: number }> {
  const server = createGuardedServer((req, res, target) => serve(router, ctx, hooks, req, res, target.url), {
    reject: (res, error) => writeResponse(res, rejection(error)),
    ...(hooks.log && { log: hooks.log }),
  });
  return { server, port: await listenOnLoopback(server, port) };
}

/** Stops accepting, drops idle keep-alive connections, and resolves once closed. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

async function serve(router: Router, ctx: EmulatorContext, hooks: ServerHooks, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const started = performance.now();
  const method = req.method ?? 'GET';
  let response: EmulatorResponse;
  try {
    const handle = async () => {
      const routed = await route(router, ctx, method, url, req);
      hooks.afterHandler?.();
      return routed;
    };
    response = await (hooks.transaction ? hooks.transaction(handle) : handle());
  } catch (error) {
    if (error instanceof RequestRejectedError) {
      response = rejection(error);
    } else {
      hooks.log?.(`emulator error: ${error instanceof Error ? error.message : String(error)}`);
      response = json(500, { message: 'Internal Server Error', errors: [] });
    }
  }
  if (response.drop) {
    // Fault injection: the request was handled but its answer never arrives.
    req.socket.destroy();
    hooks.log?.(`${method} ${url.pathname} dropped ${Math.round(performance.now() - started)}ms`);
    return;
  }
  writeResponse(res, response);
  hooks.log?.(`${method} ${url.pathname} ${response.status} ${Math.round(performance.now() - started)}ms`);
}

function writeResponse(res: ServerResponse, response: EmulatorResponse): void {
  res.writeHead(response.status, { ...response.headers, 'content-length': Buffer.byteLength(response.body) });
  res.end(response.body);
}

/** A refused request in Strava's error shape, naming the part at fault. */
function rejection(error: RequestRejectedError): EmulatorResponse {
  return json(error.status, { message: error.message, errors: [{ resource: 'Request', field: error.field, code: 'invalid' }] });
}

async function route(router: Router, ctx: EmulatorContext, method: string, url: URL, req: IncomingMessage): Promise<EmulatorResponse> {
  const match = router.match(method, url.pathname);
  if (match.kind === 'not-found') {
    ctx.stats.count('notFound');
    return fail(notFound());
  }
  if (match.kind === 'method-not-allowed') {
    const response = json(405, { message: 'Method Not Allowed', errors: [] });
    response.headers.allow = match.allowed.join(', ');
    return response;
  }
  if (match.route.control && isCrossOriginRequest(req.headers, req.socket.localPort ?? 0)) {
    // A page on another site (DNS rebinding aside, which the Host check stops) must not drive the
    // remote control: mint tokens, move the clock, read the client secret.
    return fail({ status: 403, body: { message: 'Forbidden', errors: [{ resource: 'Emulator', field: 'origin', code: 'cross-origin' }] } });
  }
  if (!match.route.control) ctx.stats.call(method, match.route.path);
  // The body is read only when the handler asks, so an API route checks the token (and scope)
  // before a byte of an upload is read.
  let body: Promise<Buffer> | undefined;
  const limit = match.route.maxBodyBytes ?? MAX_BODY_BYTES;
  return match.route.handler({
    method,
    url,
    headers: req.headers,
    readBody: () => (body ??= readBody(req, limit)),
    pathParams: match.pathParams,
  });
}

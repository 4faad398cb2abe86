/**
 * A webhook callback on 127.0.0.1 whose every answer the test scripts: echo the challenge, fail,
 * answer wrong, or never answer at all (held until the server closes). Records what it received.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';

/** A request the callback received. */
export interface ReceivedRequest {
  method: string;
  url: URL;
  body: string;
}

/** What to do with a request: an answer, or `hang` (never answer). */
export type CallbackReply = { status: number; body?: unknown; headers?: Record<string, string> } | 'hang';

export interface CallbackServer {
  url: string;
  received: ReceivedRequest[];
  /** Replaces the script. */
  reply: (script: (request: ReceivedRequest, index: number) => CallbackReply) => void;
}

/** Answers Strava's check correctly, and 200 to every event. */
export function echoChallenge(request: ReceivedRequest): CallbackReply {
  if (request.method === 'GET') return { status: 200, body: { 'hub.challenge': request.url.searchParams.get('hub.challenge') } };
  return { status: 200, body: {} };
}

export async function startCallbackServer(t: TestContext, script: (request: ReceivedRequest, index: number) => CallbackReply = echoChallenge): Promise<CallbackServer> {
  const received: ReceivedRequest[] = [];
  let current = script;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { method: req.method ?? 'GET', url: new URL(req.url ?? '/', 'http://127.0.0.1'), body: Buffer.concat(chunks).toString('utf8') };
      received.push(request);
      const reply = current(request, received.length - 1);
      if (reply === 'hang') return;
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers }).end(reply.body === undefined ? '' : JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/strava/webhook`,
    received,
    reply: (next) => {
      current = next;
    },
  };
}

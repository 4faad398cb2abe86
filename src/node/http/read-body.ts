import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestRejectedError } from './request-rejected-error.ts';

/** Requests that sent `Expect: 100-continue` and still wait for the go-ahead. */
const awaitingContinue = new WeakMap<IncomingMessage, ServerResponse>();

/**
 * Marks `req` as waiting for `100 Continue`: it is sent only when {@link readBody} is called, so a
 * client that asks first (curl does for large uploads) never sends a body the route refuses.
 */
export function deferContinue(req: IncomingMessage, res: ServerResponse): void {
  awaitingContinue.set(req, res);
}

/**
 * Reads a request body of at most `limit` bytes. A declared Content-Length over the limit is
 * refused before a byte is read, and a body that passes it while arriving (chunked) is refused at
 * that moment, so an oversized body is never held in memory. Throws {@link RequestRejectedError}:
 * 413 over the limit, 415 for a Content-Encoding (bodies are never decompressed here), 400 for a
 * body cut short or badly framed.
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
    throw new RequestRejectedError(415, 'content-encoding', 'Request bodies must not be compressed (no Content-Encoding).');
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw tooLarge(limit);
  awaitingContinue.get(req)?.writeContinue();
  awaitingContinue.delete(req);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > limit) throw tooLarge(limit);
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof RequestRejectedError) throw error;
    throw new RequestRejectedError(400, 'body', 'The request body was cut short or badly framed.');
  }
  if (!req.complete) throw new RequestRejectedError(400, 'body', 'The request body was cut short.');
  return Buffer.concat(chunks);
}

function tooLarge(limit: number): RequestRejectedError {
  return new RequestRejectedError(413, 'body', `The request body is larger than ${limit} bytes.`);
}

import type { IncomingMessage } from 'node:http';
import { isLoopbackHost } from './loopback-host.ts';
import { checkRequestTarget, RequestTarget } from './request-target.ts';
import { RequestRejectedError } from './request-rejected-error.ts';

/**
 * Headers that must appear at most once: with two, node keeps one and drops the other, and two
 * parties (a proxy, this server) may read different values.
 */
const SINGLE_HEADERS: readonly string[] = ['host', 'content-length', 'content-type', 'transfer-encoding', 'authorization', 'origin', 'sec-fetch-site'];

/**
 * What every request to a loopback server passes before any route sees it: an origin-form target,
 * single copies of the headers that decide anything, a Host naming this server (a loopback name
 * unless `isAllowedHost` says otherwise), and a body framing we read. Returns the target (its URL
 * parsed when first asked for); throws {@link RequestRejectedError} (400, 414 or 421).
 *
 * A foreign Host is 421 Misdirected Request rather than 400: the request is well-formed but meant
 * for another server (the DNS-rebinding case), and 421 says exactly that.
 */
export function checkRequest(req: IncomingMessage, port: number, isAllowedHost: (host: string, port: number) => boolean = isLoopbackHost): RequestTarget {
  const target = new RequestTarget(checkRequestTarget(req.url));
  let seen = 0; // a bit per SINGLE_HEADERS entry
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    const index = SINGLE_HEADERS.indexOf(name);
    if (index === -1) continue;
    if (seen & (1 << index)) throw new RequestRejectedError(400, name, `The ${name} header appears more than once.`);
    seen |= 1 << index;
  }
  const host = req.headers.host;
  if (host === undefined || host === '') throw new RequestRejectedError(400, 'host', 'The request has no Host header.');
  if (!isAllowedHost(host, port)) {
    throw new RequestRejectedError(421, 'host', `This server answers only to 127.0.0.1, localhost or [::1] on port ${port}.`);
  }
  const transferEncoding = req.headers['transfer-encoding'];
  if (transferEncoding !== undefined && transferEncoding.trim().toLowerCase() !== 'chunked') {
    throw new RequestRejectedError(400, 'transfer-encoding', 'Only Transfer-Encoding: chunked is understood.');
  }
  return target;
}

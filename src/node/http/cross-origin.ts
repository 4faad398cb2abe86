import type { IncomingHttpHeaders } from 'node:http';
import { loopbackOrigins } from './loopback-host.ts';

/**
 * Whether a browser sent this request on behalf of another site's page: an `Origin` other than
 * this loopback server's own, or `Sec-Fetch-Site` saying `cross-site` or `same-site` (a page on
 * another port of 127.0.0.1 is same-site but not same-origin). Requests without either header
 * (curl, node's fetch, test clients) are not browser requests from a page and pass.
 */
export function isCrossOriginRequest(headers: IncomingHttpHeaders, port: number): boolean {
  const origin = headers.origin;
  if (origin !== undefined && !loopbackOrigins(port).includes(origin.toLowerCase())) return true;
  const site = headers['sec-fetch-site'];
  return site !== undefined && site !== 'same-origin' && site !== 'none';
}

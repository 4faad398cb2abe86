/**
 * `-H "Name: value"` of `api`. Authorization is refused: the token only ever travels in the
 * header the client sets itself, so a pasted header can neither replace nor leak it.
 */
import { UsageError } from '../usage-error.ts';

/** An HTTP header name (RFC 9110 token). */
const NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** The request headers named by `-H`, names lowercased; a later one replaces an earlier one. */
export function parseHeaders(values: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const raw of values) {
    const colon = raw.indexOf(':');
    const name = colon > 0 ? raw.slice(0, colon).trim() : '';
    const value = colon > 0 ? raw.slice(colon + 1).trim() : '';
    if (!NAME.test(name)) throw new UsageError(`-H takes "Name: value", e.g. -H "Accept: application/json"; got ${JSON.stringify(raw)}.`);
    if (/[\r\n\0]/.test(value)) throw new UsageError(`-H ${name}: a header value cannot hold a line break.`);
    if (name.toLowerCase() === 'authorization') {
      throw new UsageError('-H cannot set Authorization: strava-auth sends the profile\'s token itself. Use --profile NAME to call with another login.');
    }
    headers[name.toLowerCase()] = value;
  }
  return headers;
}

/** `content-type` → `Content-Type`, the way gh and curl print response headers. */
export function canonicalHeaderName(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
}

/**
 * What `-i` prints before the body: the status line and the response headers, then a blank
 * line. Set-Cookie and the like never come from Strava's API; nothing here is secret (the token
 * went in the request, not the answer).
 */
export function responseHead(status: number, statusText: string, headers: Headers): string {
  const lines = [`HTTP/1.1 ${status} ${statusText}`.trimEnd()];
  const names = [...new Set([...headers.keys()])].sort();
  for (const name of names) lines.push(`${canonicalHeaderName(name)}: ${headers.get(name)}`);
  return `${lines.join('\n')}\n\n`;
}

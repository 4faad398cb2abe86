/**
 * The emulator's request and response values. Handlers receive a fully read {@link EmulatorRequest}
 * and return an {@link EmulatorResponse}; only `server.ts` touches node:http, so handlers stay plain
 * functions over data.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { StravaFailure } from './errors.ts';

/** A request as handlers see it: path parameters matched, the body read on demand. */
export interface EmulatorRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  /**
   * The body, read (once) under the route's size cap. Rejects with a RequestRejectedError (413,
   * 400...) that the server answers; a handler that never calls it never reads the body.
   */
  readBody(): Promise<Buffer>;
  /** Values of `{name}` segments of the route's path template. */
  pathParams: Record<string, string>;
}

/** A response before it is written. */
export interface EmulatorResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Destroy the connection instead of answering (fault injection: an answer lost on the way). */
  drop?: boolean;
}

/** A JSON answer, compact like Strava's. */
export function json(status: number, value: unknown): EmulatorResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify(value),
  };
}

/** A Strava error answer. */
export function fail(failure: StravaFailure): EmulatorResponse {
  return json(failure.status, failure.body);
}

/** An HTML page. */
export function html(status: number, page: string): EmulatorResponse {
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
    body: page,
  };
}

/** A 302 to `location`. */
export function redirect(location: string): EmulatorResponse {
  return { status: 302, headers: { location, 'cache-control': 'no-store' }, body: '' };
}

/** A bodiless answer. */
export function empty(status: number): EmulatorResponse {
  return { status, headers: {}, body: '' };
}

/**
 * The request's parameters from the query string and the body, the body winning. Strava's token
 * endpoint takes form-urlencoded, multipart, JSON or query parameters alike, so one reader serves
 * every OAuth endpoint. Non-string JSON values become strings (`"client_id": 12345` is common).
 */
export async function readParams(req: EmulatorRequest): Promise<Map<string, string>> {
  const params = new Map<string, string>();
  for (const [key, value] of req.url.searchParams) params.set(key, value);
  for (const [key, value] of await readBodyParams(req)) params.set(key, value);
  return params;
}

async function readBodyParams(req: EmulatorRequest): Promise<Iterable<[string, string]>> {
  const body = await req.readBody();
  if (body.length === 0) return [];
  const contentType = String(req.headers['content-type'] ?? '').toLowerCase();
  if (contentType.startsWith('application/json')) return jsonParams(body);
  if (contentType.startsWith('multipart/form-data')) return multipartParams(body, contentType);
  // Form-urlencoded, or no content type at all: Strava's Rails stack reads both as a form.
  return new URLSearchParams(body.toString('utf8'));
}

function jsonParams(body: Buffer): Array<[string, string]> {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return []; // A broken body reads as "no parameters"; the missing client_id answers for it.
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value)
    .filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v))
    .map(([k, v]) => [k, String(v)]);
}

async function multipartParams(body: Buffer, contentType: string): Promise<Array<[string, string]>> {
  // The Fetch API's own multipart parser, built into Node: no hand-written boundary scanning.
  try {
    const form = await new Response(new Uint8Array(body), { headers: { 'content-type': contentType } }).formData();
    const entries: Array<[string, string]> = [];
    form.forEach((value, key) => {
      if (typeof value === 'string') entries.push([key, value]);
    });
    return entries;
  } catch {
    return [];
  }
}

/** `Authorization: Basic base64(id:secret)` decoded, or null. */
export function basicCredentials(req: EmulatorRequest): { username: string; password: string } | null {
  const match = /^basic\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The token of `Authorization: Bearer <token>`, or null. */
export function bearerToken(authorization: string | undefined): string | null {
  const match = /^bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1] ?? null;
}

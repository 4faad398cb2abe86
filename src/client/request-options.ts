/**
 * Turns `request(method, path, options)` into what fetch needs: the URL under the API base, the
 * body (JSON, form or multipart), the endpoint's scope rule and budget, and whether the call is
 * idempotent. Refuses anything that would put the access token somewhere other than the
 * `Authorization` header (protocol section 8) or send it to another host.
 */
import { scopesForEndpoint, type EndpointScopes } from '../core/endpoint-scopes.ts';
import { joinUrl } from '../core/endpoints.ts';
import { apiPathProblem, isUnderApiBase } from './api-path.ts';

/** The HTTP methods Strava's API uses. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** A query parameter. Dates become epoch seconds (Strava's `before`/`after`), arrays are comma joined. */
export type QueryValue = string | number | boolean | Date | null | undefined | ReadonlyArray<string | number>;

/** A form field. Dates become ISO 8601 without milliseconds; a Blob makes the form multipart. */
export type FormValue = string | number | boolean | Date | Blob | null | undefined;

/** Options of one API request. Give at most one of `body` and `form`. */
export interface RequestOptions {
  query?: Record<string, QueryValue>;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent form-urlencoded, or multipart when a value is a Blob (or `form` is a FormData). */
  form?: Record<string, FormValue> | FormData;
  /** Extra headers (not `Authorization`, which the client owns). */
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** A request ready to send (the token is added per attempt). */
export interface PreparedRequest {
  method: HttpMethod;
  url: URL;
  /** `METHOD /path/template` (or the concrete path for endpoints the scope table does not know). */
  endpoint: string;
  rule: EndpointScopes | undefined;
  headers: Record<string, string>;
  body: BodyInit | undefined;
  signal: AbortSignal | undefined;
  /** Safe to send twice: GET, PUT, DELETE. */
  idempotent: boolean;
}

const METHODS: readonly string[] = ['GET', 'POST', 'PUT', 'DELETE'];
const TOKEN_PARAMETER = 'access_token';

function tokenParameterError(where: string): TypeError {
  return new TypeError(
    `Do not put access_token in the ${where}: the client sends the token in the Authorization header, the only place Strava accepts it from 2027-06-01.`,
  );
}

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function queryString(value: Exclude<QueryValue, null | undefined>): string {
  if (value instanceof Date) return String(Math.floor(value.getTime() / 1000));
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

function formBody(form: Record<string, FormValue> | FormData): { body: BodyInit; contentType?: string } {
  if (form instanceof FormData) {
    if (form.has(TOKEN_PARAMETER)) throw tokenParameterError('form');
    return { body: form };
  }
  const entries = Object.entries(form).filter((entry): entry is [string, Exclude<FormValue, null | undefined>] => entry[1] !== undefined && entry[1] !== null);
  if (entries.some(([key]) => key === TOKEN_PARAMETER)) throw tokenParameterError('form');
  const text = (value: Exclude<FormValue, null | undefined | Blob>): string => (value instanceof Date ? isoSeconds(value) : String(value));
  if (entries.some(([, value]) => value instanceof Blob)) {
    const data = new FormData();
    for (const [key, value] of entries) {
      if (value instanceof Blob) data.set(key, value, value instanceof File ? value.name : key);
      else data.set(key, text(value));
    }
    return { body: data };
  }
  const params = new URLSearchParams();
  for (const [key, value] of entries) params.set(key, text(value as Exclude<FormValue, null | undefined | Blob>));
  return { body: params, contentType: 'application/x-www-form-urlencoded' };
}

/**
 * Builds the request. `path` is relative to the API base (`/athlete`, `athlete/activities`); a
 * leading `/api/v3` and a full URL under the base are accepted too, anything else is refused.
 */
export function prepareRequest(apiBaseUrl: string, method: string, path: string, options: RequestOptions = {}): PreparedRequest {
  const upper = method.toUpperCase();
  if (!METHODS.includes(upper)) throw new TypeError(`Unsupported method ${method}: use ${METHODS.join(', ')}.`);
  if (options.body !== undefined && options.form !== undefined) throw new TypeError('Give either body (JSON) or form, not both.');
  const base = new URL(apiBaseUrl);
  const notUnderBase = (url: URL) => new TypeError(`${url.origin}${url.pathname} is not under the API base ${apiBaseUrl}: the access token is only sent there.`);
  const problem = apiPathProblem(path);
  if (problem) throw new TypeError(`Refusing the API path ${JSON.stringify(path)}: ${problem}.`);
  let relative = path;
  if (/^[a-z][a-z0-9+.-]*:/i.test(path)) {
    const absolute = new URL(path);
    if (!isUnderApiBase(absolute, apiBaseUrl)) throw notUnderBase(absolute);
    relative = absolute.pathname.slice(base.pathname.replace(/\/+$/, '').length) + absolute.search;
  }
  // `/api/v3/athlete` works whether or not the base ends in /api/v3 (the 2027 host has no prefix).
  relative = relative.replace(/^\/?api\/v3(?=\/|$|\?)/, '');
  const url = new URL(joinUrl(apiBaseUrl, relative));
  if (!isUnderApiBase(url, apiBaseUrl)) throw notUnderBase(url);
  for (const [key, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined && value !== null) url.searchParams.set(key, queryString(value));
  }
  if (url.searchParams.has(TOKEN_PARAMETER)) throw tokenParameterError('query');
  if (options.body !== null && typeof options.body === 'object' && TOKEN_PARAMETER in options.body) throw tokenParameterError('body');

  const headers: Record<string, string> = { accept: 'application/json' };
  for (const [key, value] of Object.entries(options.headers ?? {})) {
    if (key.toLowerCase() === 'authorization') throw new TypeError('The client sets the Authorization header itself.');
    headers[key.toLowerCase()] = value;
  }
  let body: BodyInit | undefined;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  } else if (options.form !== undefined) {
    const form = formBody(options.form);
    body = form.body;
    if (form.contentType) headers['content-type'] = form.contentType;
  }
  const apiPath = `/${url.pathname.slice(new URL(joinUrl(apiBaseUrl, '/')).pathname.length).replace(/^\/+/, '')}`;
  const rule = scopesForEndpoint(upper, apiPath);
  return {
    method: upper as HttpMethod,
    url,
    endpoint: `${upper} ${rule?.path ?? apiPath}`,
    rule,
    headers,
    body,
    signal: options.signal,
    idempotent: upper !== 'POST',
  };
}

/**
 * What `api`'s arguments ask for, decided before a session starts: the method (gh's rule: GET,
 * or POST when fields or a body are given, unless `-X` or a leading METHOD says otherwise), the
 * path under the API base (the leading slash optional), and where the fields go (query string
 * for GET and DELETE or beside `--input`, the JSON body otherwise). Every mistake is a usage
 * error here, so nothing is sent for it.
 */
import type { HttpMethod, RequestOptions } from '../../client/request-options.ts';
import { apiPathArgument } from '../flag-values.ts';
import { UsageError } from '../usage-error.ts';
import { fieldsAsQuery, parseFields, type FieldSources } from './fields.ts';
import { parseHeaders } from './headers.ts';
import { readInputBody } from './input.ts';

/** The methods Strava's API uses. */
export const API_METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'DELETE'];

/** The flags of `api` that shape the request. */
export interface RequestFlags {
  method?: string | undefined;
  'raw-field'?: string[] | undefined;
  field?: string[] | undefined;
  header?: string[] | undefined;
  input?: string | undefined;
  include?: boolean | undefined;
  paginate?: boolean | undefined;
}

/** One request (or, with --paginate, the first of a walk), ready for the client. */
export interface RequestPlan {
  method: HttpMethod;
  path: string;
  request: RequestOptions;
  /** The fields as query parameters (what --paginate sends with each page). */
  query: Record<string, string>;
}

function asMethod(value: string): HttpMethod | undefined {
  const upper = value.toUpperCase();
  return (API_METHODS as readonly string[]).includes(upper) ? (upper as HttpMethod) : undefined;
}

/** Decides the request from `[METHOD] PATH` and the flags; reads @file, @- and --input. */
export async function planRequest(positionals: readonly string[], flags: RequestFlags, sources: FieldSources): Promise<RequestPlan> {
  const [first, second, ...extra] = positionals;
  const positionalMethod = second !== undefined && first !== undefined ? asMethod(first) : undefined;
  const rawPath = positionalMethod ? second : first;
  if (!rawPath || extra.length > 0 || (!positionalMethod && second !== undefined)) {
    throw new UsageError('api takes PATH, e.g. strava-auth api athlete/activities');
  }
  // Before anything is sent: the token never leaves the API base.
  const path = apiPathArgument(rawPath.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(rawPath) ? rawPath : `/${rawPath}`);
  const flagMethod = flags.method === undefined ? undefined : asMethod(flags.method);
  if (flags.method !== undefined && !flagMethod) throw new UsageError(`-X takes ${API_METHODS.join(', ')}; got ${JSON.stringify(flags.method)}.`);
  if (flagMethod && positionalMethod && flagMethod !== positionalMethod) throw new UsageError(`Two methods given: ${positionalMethod} and -X ${flagMethod}; give one.`);
  const hasParams = (flags['raw-field']?.length ?? 0) + (flags.field?.length ?? 0) > 0 || flags.input !== undefined;
  const method = flagMethod ?? positionalMethod ?? (flags.paginate || !hasParams ? 'GET' : 'POST');
  if (flags.paginate && method !== 'GET') throw new UsageError('--paginate works with GET only.');
  if (flags.paginate && flags.include) throw new UsageError('-i shows one response; it does not combine with --paginate.');
  if (flags.input !== undefined && method === 'GET') throw new UsageError('--input sends a body, and a GET has none; use -X POST or -X PUT.');
  const headers = parseHeaders(flags.header ?? []);
  const fields = await parseFields(flags['raw-field'] ?? [], flags.field ?? [], sources);
  const body = flags.input === undefined ? undefined : await readInputBody(flags.input, sources);
  const query = fieldsAsQuery(fields);
  const inQuery = body !== undefined || method === 'GET' || method === 'DELETE';
  const request: RequestOptions = {
    headers,
    ...(inQuery ? { query } : Object.keys(fields).length > 0 && { body: fields }),
    ...(body !== undefined && { body }),
  };
  return { method, path, request, query };
}

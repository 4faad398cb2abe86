import type { HttpMethod, QueryValue } from '../../client/index.ts';
import { clientFor, formatJson } from '../api-client.ts';
import type { Command } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { emulatorFlag, profileFlag, type CommandSpec, type FlagValues } from '../flag-spec.ts';
import { apiPathArgument } from '../flag-values.ts';
import { parseFlags } from '../parse-flags.ts';
import { UsageError } from '../usage-error.ts';
import { withSession } from '../with-session.ts';

export const spec = {
  name: 'api',
  args: '[METHOD] PATH',
  description: `Calls the Strava API with the profile's token (refreshed first when needed) and prints the JSON
body on stdout: indented on a terminal, compact otherwise. PATH is under the API base
(/api/v3), e.g. /athlete or /activities/123. Before the request is sent, the token's scopes are
checked against what the endpoint needs (see strava-auth scopes). A valid token needs no client
secret; only a refresh does.`,
  flags: {
    field: {
      type: 'string',
      short: 'f',
      multiple: true,
      value: 'KEY=VALUE',
      description: 'a parameter; repeatable. Query string for GET and DELETE, form body for POST and PUT',
    },
    paginate: { type: 'boolean', description: 'GET every page (per_page 200) and print one JSON array; progress on stderr' },
    wait: { type: 'boolean', description: 'on a 429, wait for the rate-limit window to reset (at most 16 minutes) instead of failing' },
    profile: profileFlag('profile whose token to use'),
    emulator: emulatorFlag('call the built-in emulator'),
  },
  more: `Arguments:
  METHOD   GET (default), POST, PUT or DELETE
  PATH     e.g. /athlete/activities

Examples:
  strava-auth api /athlete
  strava-auth api GET /athlete/activities -f per_page=5
  strava-auth api /athlete/activities --paginate > activities.json
  strava-auth api PUT /activities/123 -f name="Evening Ride"`,
} as const satisfies CommandSpec;

/** What `api` was asked: the request, checked before anything is sent. */
export interface ApiOptions extends FlagValues<typeof spec.flags> {
  method: HttpMethod;
  path: string;
  fields: Record<string, string>;
}

const METHODS: readonly string[] = ['GET', 'POST', 'PUT', 'DELETE'];

function parseFields(fields: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of fields) {
    const eq = field.indexOf('=');
    if (eq <= 0) throw new UsageError(`-f takes key=value; got "${field}".`);
    out[field.slice(0, eq)] = field.slice(eq + 1);
  }
  return out;
}

/** `api`'s command line to its options: METHOD and PATH read, PATH and fields checked. */
export function parse(argv: string[]): ApiOptions {
  const { values, positionals } = parseFlags(spec, argv);
  const [first, second, ...extra] = positionals;
  const hasMethod = first !== undefined && METHODS.includes(first.toUpperCase()) && second !== undefined;
  const method = (hasMethod ? first!.toUpperCase() : 'GET') as HttpMethod;
  const path = hasMethod ? second : first;
  if (!path || extra.length > 0 || (hasMethod ? false : second !== undefined)) {
    throw new UsageError('api takes [METHOD] PATH, e.g. strava-auth api GET /athlete/activities');
  }
  apiPathArgument(path); // before anything is sent: the token never leaves the API base
  if (values.paginate && method !== 'GET') throw new UsageError('--paginate works with GET only.');
  return { ...values, method, path, fields: parseFields(values.field ?? []) };
}

export const command: Command<ApiOptions> = {
  spec,
  parse,
  run: (options, deps) =>
    withSession(deps, options, async (session) => {
      const { io } = session;
      const { method, path, fields, ...values } = options;
      const client = await clientFor(session, { waitOnRateLimit: values.wait ?? false });
      const pretty = Boolean(io.stdout.isTTY);
      if (values.paginate) {
        const items: unknown[] = [];
        const progress = (page: number, count: number) => {
          if (count > 0) io.stderr.write(`${io.stderr.isTTY ? '\r\x1b[2K' : ''}page ${page}: ${count} items (${items.length + count} so far)${io.stderr.isTTY ? '' : '\n'}`);
        };
        for await (const item of client.paginate(path, { query: fields as Record<string, QueryValue>, onPage: progress })) items.push(item);
        if (io.stderr.isTTY) io.stderr.write('\n');
        io.stdout.write(formatJson(items, pretty));
        return EXIT.ok;
      }
      const inQuery = method === 'GET' || method === 'DELETE';
      const response = await client.requestRaw(method, path, inQuery ? { query: fields } : { form: fields });
      if (response.data !== undefined) io.stdout.write(typeof response.data === 'string' ? `${response.data}\n` : formatJson(response.data, pretty));
      return EXIT.ok;
    }),
};

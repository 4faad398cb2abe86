import type { HttpMethod, QueryValue } from '../../client/request-options.ts';
import { parseCommandArgs } from '../args.ts';
import { clientFor, formatJson } from '../api-client.ts';
import { UsageError } from '../usage-error.ts';
import { apiPathArgument } from '../flag-values.ts';
import { EXIT, EXIT_CODES_HELP } from '../exit-codes.ts';
import type { Command } from '../main.ts';
import { withSession } from '../with-session.ts';

const HELP = `Usage: strava-auth api [METHOD] PATH [-f key=value ...] [--paginate] [--profile NAME]

Calls the Strava API with the profile's token (refreshed first when needed) and prints the JSON
body on stdout: indented on a terminal, compact otherwise. PATH is under the API base
(/api/v3), e.g. /athlete or /activities/123. Before the request is sent, the token's scopes are
checked against what the endpoint needs (see strava-auth scopes).

Arguments:
  METHOD               GET (default), POST, PUT or DELETE
  PATH                 e.g. /athlete/activities

Flags:
  -f, --field k=v      a parameter; repeatable. Query string for GET and DELETE, form body for
                       POST and PUT
      --paginate       GET every page (per_page 200) and print one JSON array; progress on stderr
      --wait           on a 429, wait for the rate-limit window to reset (at most 16 minutes)
                       instead of failing
  -p, --profile NAME   profile whose token to use (default: $STRAVA_PROFILE or "default")
      --emulator       call the built-in emulator

Examples:
  strava-auth api /athlete
  strava-auth api GET /athlete/activities -f per_page=5
  strava-auth api /athlete/activities --paginate > activities.json
  strava-auth api PUT /activities/123 -f name="Evening Ride"

${EXIT_CODES_HELP}
`;

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

export const command: Command = {
  summary: 'Call the Strava API with the stored token',
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { field: { type: 'string', short: 'f', multiple: true }, paginate: { type: 'boolean' }, wait: { type: 'boolean' } },
      HELP,
      true,
    );
    const [first, second, ...extra] = positionals;
    const hasMethod = first !== undefined && METHODS.includes(first.toUpperCase()) && second !== undefined;
    const method = (hasMethod ? first!.toUpperCase() : 'GET') as HttpMethod;
    const path = hasMethod ? second : first;
    if (!path || extra.length > 0 || (hasMethod ? false : second !== undefined)) {
      throw new UsageError('api takes [METHOD] PATH, e.g. strava-auth api GET /athlete/activities');
    }
    apiPathArgument(path); // before anything is sent: the token never leaves the API base
    if (values.paginate && method !== 'GET') throw new UsageError('--paginate works with GET only.');
    const fields = parseFields(values.field ?? []);
    return withSession(io, values, async (session) => {
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
    });
  },
};

import { STATUS_CODES } from 'node:http';
import { systemClock } from '../../core/clock.ts';
import { RateLimitError } from '../../core/errors/rate-limit-error.ts';
import { realSleep } from '../../core/retry.ts';
import { clientFor, formatJson } from '../api-client.ts';
import { OutputClosed, pipeAwareWrite } from '../api/closed-pipe.ts';
import { RateLimitCountdown } from '../api/countdown.ts';
import { responseHead } from '../api/headers.ts';
import { checkJqFilter, runJq } from '../api/jq.ts';
import { paginateOutput } from '../api/paginate-output.ts';
import { RateLimitWaitHintError } from '../api/rate-limit-hint.ts';
import { planRequest, type RequestPlan } from '../api/request-plan.ts';
import { ioSources } from '../api/sources.ts';
import type { Command } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { emulatorFlag, profileFlag, type CommandSpec, type FlagValues } from '../flag-spec.ts';
import type { Io } from '../io.ts';
import { parseFlags } from '../parse-flags.ts';
import { UsageError } from '../usage-error.ts';
import { withSession } from '../with-session.ts';

export const spec = {
  name: 'api',
  args: 'PATH',
  description: `Calls the Strava API with the profile's token (refreshed first when needed) and prints the JSON
body on stdout: indented on a terminal, compact otherwise. PATH is under the API base
(/api/v3), with or without the leading slash: athlete, /activities/123. Before the request is
sent, the token's scopes are checked against what the endpoint needs (see strava-auth scopes).
A valid token needs no client secret; only a refresh does.

The method is GET, or POST when fields or --input are given (as gh api does); -X sets it. For
GET and DELETE the fields go in the query string; for POST and PUT they are the JSON body.`,
  flags: {
    method: { type: 'string', short: 'X', value: 'METHOD', description: 'GET, POST, PUT or DELETE', complete: ['GET', 'POST', 'PUT', 'DELETE'] },
    'raw-field': { type: 'string', short: 'f', multiple: true, value: 'KEY=VALUE', description: 'a string parameter; repeatable' },
    field: {
      type: 'string',
      short: 'F',
      multiple: true,
      value: 'KEY=VALUE',
      description: 'a typed parameter; repeatable: numbers, true, false and null become JSON values, @FILE is the file\'s text, @- standard input; k[]=v appends to a list',
    },
    header: { type: 'string', short: 'H', multiple: true, value: '"NAME: VALUE"', description: 'a request header; repeatable (not Authorization: the token is sent for you)' },
    input: { type: 'string', value: 'FILE', description: 'the request body, JSON, from FILE or - (standard input); fields then go in the query string', complete: 'files' },
    paginate: { type: 'boolean', description: 'GET every page and print one JSON array (with --jq, one output stream); per_page (default 200) and page are honoured; progress on stderr' },
    jq: { type: 'string', short: 'q', value: 'EXPR', description: 'filter the body with jq (a real jq); strings print raw' },
    include: { type: 'boolean', short: 'i', description: 'print the status line and response headers before the body' },
    silent: { type: 'boolean', description: 'print no body' },
    wait: { type: 'boolean', description: 'on a 429, wait for the 15-minute window to reset (at most 16 minutes) with a countdown on stderr, instead of failing' },
    profile: profileFlag('profile whose token to use'),
    emulator: emulatorFlag('call the built-in emulator'),
  },
  more: `Arguments:
  PATH     e.g. athlete/activities (METHOD PATH, e.g. PUT /athlete, works too)

Examples:
  strava-auth api athlete
  strava-auth api athlete/activities -X GET -f per_page=5
  strava-auth api athlete/activities --paginate -f per_page=50 --jq '.[] | .name'
  strava-auth api activities/123 -X PUT -f name="Evening Ride" -F commute=true
  strava-auth api activities --input activity.json`,
} as const satisfies CommandSpec;

/** What `api` was asked: the flags, and the request planned (and checked) before anything is sent. */
export interface ApiOptions extends FlagValues<typeof spec.flags> {
  plan: RequestPlan;
}

/** `api`'s command line to its options: the jq filter compiled, PATH, method, fields and headers checked. */
export async function parse(argv: string[], io: Io): Promise<ApiOptions> {
  const { values, positionals } = parseFlags(spec, argv);
  if (values.jq !== undefined) await checkJqFilter(values.jq);
  return { ...values, plan: await planRequest(positionals, values, ioSources(io)) };
}

export const command: Command<ApiOptions> = {
  spec,
  parse,
  run: (options, deps) =>
    withSession(deps, options, async (session) => {
      const { io } = session;
      const clock = deps.clock ?? systemClock;
      const sleep = deps.sleep ?? realSleep;
      const { method, path, request, query } = options.plan;
      const pretty = Boolean(io.stdout.isTTY);
      const write = pipeAwareWrite(io);
      const countdown = new RateLimitCountdown({ clock, sleep, stderr: io.stderr, animate: !io.env.NO_COLOR && io.env.TERM !== 'dumb' });
      const client = await clientFor(session, { waitOnRateLimit: options.wait ?? false, clock, sleep: countdown.sleep, onRateLimit: countdown.onRateLimit });
      try {
        if (options.paginate) {
          const tty = Boolean(io.stderr.isTTY);
          const total = await paginateOutput({
            client,
            path,
            query,
            jq: options.jq,
            pretty,
            write: (text) => {
              if (!options.silent) write(text);
            },
            progress: (page, count, soFar) => {
              if (count > 0) io.stderr.write(`${tty ? '\r\x1b[2K' : ''}page ${page}: ${count} items (${soFar} so far)${tty ? '' : '\n'}`);
            },
          });
          if (tty && total > 0) io.stderr.write('\n');
          return EXIT.ok;
        }
        const response = await client.requestRaw(method, path, request);
        if (options.include) write(responseHead(response.status, STATUS_CODES[response.status] ?? '', response.headers));
        if (options.silent || response.data === undefined) return EXIT.ok;
        if (options.jq !== undefined) {
          if (typeof response.data === 'string') throw new UsageError(`--jq needs a JSON body; ${method} ${path} answered with ${response.headers.get('content-type') ?? 'no content type'}.`);
          write(await runJq(response.text, options.jq, { pretty }));
        } else {
          write(typeof response.data === 'string' ? `${response.data}\n` : formatJson(response.data, pretty));
        }
        return EXIT.ok;
      } catch (error) {
        if (error instanceof OutputClosed) return EXIT.ok;
        if (error instanceof RateLimitError && !options.wait) throw new RateLimitWaitHintError(error, clock.now());
        throw error;
      }
    }),
};

import { STATUS_CODES } from 'node:http';
import { systemClock, type Clock } from '../../core/clock.ts';
import { RateLimitError } from '../../core/errors/rate-limit-error.ts';
import { realSleep, type Sleep } from '../../core/retry.ts';
import { parseCommandArgs } from '../args.ts';
import { clientFor, formatJson } from '../api-client.ts';
import { UsageError } from '../usage-error.ts';
import { EXIT, EXIT_CODES_HELP } from '../exit-codes.ts';
import type { Command } from '../main.ts';
import { withSession } from '../with-session.ts';
import { OutputClosed, pipeAwareWrite } from '../api/closed-pipe.ts';
import { RateLimitCountdown } from '../api/countdown.ts';
import { responseHead } from '../api/headers.ts';
import { checkJqFilter, runJq } from '../api/jq.ts';
import { paginateOutput } from '../api/paginate-output.ts';
import { RateLimitWaitHintError } from '../api/rate-limit-hint.ts';
import { planRequest } from '../api/request-plan.ts';
import { ioSources } from '../api/sources.ts';

const HELP = `Usage: strava-auth api PATH [-X METHOD] [-f key=value ...] [-F key=value ...] [-H "Name: value" ...]
                       [--input FILE] [--paginate] [--jq EXPR] [-i] [--silent] [--wait] [--profile NAME]

Calls the Strava API with the profile's token (refreshed first when needed) and prints the JSON
body on stdout: indented on a terminal, compact otherwise. PATH is under the API base
(/api/v3), with or without the leading slash: athlete, /activities/123. Before the request is
sent, the token's scopes are checked against what the endpoint needs (see strava-auth scopes).

The method is GET, or POST when fields or --input are given (as gh api does); -X sets it. For
GET and DELETE the fields go in the query string; for POST and PUT they are the JSON body.

Arguments:
  PATH                   e.g. athlete/activities (METHOD PATH, e.g. PUT /athlete, works too)

Flags:
  -X, --method METHOD    GET, POST, PUT or DELETE
  -f, --raw-field k=v    a string parameter; repeatable
  -F, --field k=v        a typed parameter; repeatable: numbers, true, false and null become
                         JSON values, @FILE is the file's text, @- standard input; k[]=v appends
                         to a list
  -H, --header "N: v"    a request header; repeatable (not Authorization: the token is sent for you)
      --input FILE       the request body, JSON, from FILE or - (standard input); fields then go
                         in the query string
      --paginate         GET every page and print one JSON array (with --jq, one output stream);
                         per_page (default 200) and page are honoured; progress on stderr
  -q, --jq EXPR          filter the body with jq (a real jq); strings print raw
  -i, --include          print the status line and response headers before the body
      --silent           print no body
      --wait             on a 429, wait for the 15-minute window to reset (at most 16 minutes)
                         with a countdown on stderr, instead of failing
  -p, --profile NAME     profile whose token to use (default: $STRAVA_PROFILE or "default")
      --emulator         call the built-in emulator

Examples:
  strava-auth api athlete
  strava-auth api athlete/activities -X GET -f per_page=5
  strava-auth api athlete/activities --paginate -f per_page=50 --jq '.[] | .name'
  strava-auth api activities/123 -X PUT -f name="Evening Ride" -F commute=true
  strava-auth api activities --input activity.json

${EXIT_CODES_HELP}
`;

/** What the command runs on; tests inject a manual clock and a sleep that only moves it. */
export interface ApiDeps {
  clock?: Clock;
  sleep?: Sleep;
}

/** The `api` command on the given clock and sleep. */
export function apiCommand(deps: ApiDeps = {}): Command {
  const clock = deps.clock ?? systemClock;
  const sleep = deps.sleep ?? realSleep;
  return {
    summary: 'Call the Strava API with the stored token',
    async run(argv, io) {
      const { values, positionals } = parseCommandArgs(
        argv,
        {
          method: { type: 'string', short: 'X' },
          'raw-field': { type: 'string', short: 'f', multiple: true },
          field: { type: 'string', short: 'F', multiple: true },
          header: { type: 'string', short: 'H', multiple: true },
          input: { type: 'string' },
          jq: { type: 'string', short: 'q' },
          include: { type: 'boolean', short: 'i' },
          silent: { type: 'boolean' },
          paginate: { type: 'boolean' },
          wait: { type: 'boolean' },
        },
        HELP,
        true,
      );
      if (values.jq !== undefined) await checkJqFilter(values.jq);
      const { method, path, request, query } = await planRequest(positionals, values, ioSources(io));
      const pretty = Boolean(io.stdout.isTTY);
      const write = pipeAwareWrite(io);
      return withSession(io, values, async (session) => {
        const countdown = new RateLimitCountdown({ clock, sleep, stderr: io.stderr, animate: !io.env.NO_COLOR && io.env.TERM !== 'dumb' });
        const client = await clientFor(session, { waitOnRateLimit: values.wait ?? false, clock, sleep: countdown.sleep, onRateLimit: countdown.onRateLimit });
        try {
          if (values.paginate) {
            const tty = Boolean(io.stderr.isTTY);
            const total = await paginateOutput({
              client,
              path,
              query,
              jq: values.jq,
              pretty,
              write: (text) => {
                if (!values.silent) write(text);
              },
              progress: (page, count, soFar) => {
                if (count > 0) io.stderr.write(`${tty ? '\r\x1b[2K' : ''}page ${page}: ${count} items (${soFar} so far)${tty ? '' : '\n'}`);
              },
            });
            if (tty && total > 0) io.stderr.write('\n');
            return EXIT.ok;
          }
          const response = await client.requestRaw(method, path, request);
          if (values.include) write(responseHead(response.status, STATUS_CODES[response.status] ?? '', response.headers));
          if (values.silent || response.data === undefined) return EXIT.ok;
          if (values.jq !== undefined) {
            if (typeof response.data === 'string') throw new UsageError(`--jq needs a JSON body; ${method} ${path} answered with ${response.headers.get('content-type') ?? 'no content type'}.`);
            write(await runJq(response.text, values.jq, { pretty }));
          } else {
            write(typeof response.data === 'string' ? `${response.data}\n` : formatJson(response.data, pretty));
          }
          return EXIT.ok;
        } catch (error) {
          if (error instanceof OutputClosed) return EXIT.ok;
          if (error instanceof RateLimitError && !values.wait) throw new RateLimitWaitHintError(error, clock.now());
          throw error;
        }
      });
    },
  };
}

export const command: Command = apiCommand();

import { EXIT, EXIT_CODES_HELP } from './exit-codes.ts';
import { processIo, type Io } from './io.ts';
import { redactingIo } from './redacting-io.ts';
import { HelpRequested } from './usage-error.ts';

/** A command module: `run` takes the arguments after the command name. */
export interface Command {
  summary: string;
  run(argv: string[], io: Io): Promise<number>;
}

// Loaded on demand so `strava-auth token` pays only for what it uses. `rawStdout`: the command's
// stdout is passed through unredacted (`token` prints the token asked for; `api` prints the data
// byte for byte); stderr is always redacted.
const COMMANDS: Record<string, { summary: string; load: () => Promise<Command>; rawStdout?: boolean }> = {
  login: { summary: 'Log in to Strava in the browser and store the tokens', load: () => import('./commands/login.ts').then((m) => m.command) },
  token: { summary: 'Print a valid access token (refreshing it if needed)', load: () => import('./commands/token.ts').then((m) => m.command), rawStdout: true },
  status: { summary: 'Show who is logged in, the scopes and when the token expires', load: () => import('./commands/status.ts').then((m) => m.command) },
  refresh: { summary: 'Refresh the tokens now', load: () => import('./commands/refresh.ts').then((m) => m.command) },
  logout: { summary: 'Revoke access at Strava and forget the tokens', load: () => import('./commands/logout.ts').then((m) => m.command) },
  api: { summary: 'Call the Strava API with the stored token', load: () => import('./commands/api.ts').then((m) => m.command), rawStdout: true },
  upload: { summary: 'Upload a FIT, GPX or TCX file and wait for the activity', load: () => import('./commands/upload.ts').then((m) => m.command) },
  scopes: { summary: 'List the scopes and what each endpoint needs', load: () => import('./commands/scopes.ts').then((m) => m.command) },
  url: { summary: 'Print an authorize URL for a redirect URI of your choosing', load: () => import('./commands/url.ts').then((m) => m.command) },
  exchange: { summary: 'Exchange a code (or the redirected URL) for tokens', load: () => import('./commands/exchange.ts').then((m) => m.command) },
  emulator: { summary: 'Run the built-in Strava emulator on 127.0.0.1', load: () => import('./commands/emulator.ts').then((m) => m.command) },
  tokens: { summary: 'Move tokens between stores, or re-encrypt a store after a key rotation', load: () => import('./commands/tokens.ts').then((m) => m.command) },
  serve: { summary: 'Run the token service for many athletes (connect, token API, webhooks)', load: () => import('./commands/serve.ts').then((m) => m.command) },
  webhooks: { summary: 'Create, list or delete the push subscription (webhook events)', load: () => import('./commands/webhooks.ts').then((m) => m.command) },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const list = Object.entries(COMMANDS)
    .map(([name, { summary }]) => `  ${name.padEnd(width)}  ${summary}`)
    .join('\n');
  return `strava-auth: Strava API tokens with the right scopes, from the command line.

Usage: strava-auth <command> [flags]

Commands:
${list}

Flags every command takes:
  -p, --profile NAME   use profile NAME (default: $STRAVA_PROFILE or "default")
      --emulator       use the built-in Strava emulator (no Strava account needed)
  -h, --help           show help for the command

Environment:
  STRAVA_CLIENT_ID, STRAVA_CLIENT_SECRET   your API application (also read from ./.env)
  STRAVA_PROFILE                           profile to use
  STRAVA_BASE_URL                          another Strava for OAuth and API calls (the emulator, a proxy)
  STRAVA_API_BASE_URL                      the API base alone (e.g. https://www.api-v3.strava.com)
  STRAVA_AUTH_TIMEOUT                      seconds one request may take, connect to last byte (default 30)
  STRAVA_AUTH_MAX_RESPONSE_MB              cap of a response body in MB (default 8)
  XDG_CONFIG_HOME                          where tokens live (default ~/.config/strava-auth)
  STRAVA_AUTH_ENCRYPTION_KEY               encrypt stored tokens with this key (32 bytes, base64)
  STRAVA_AUTH_ENCRYPTION_OLD_KEYS          retired keys, still read during a rotation (comma-separated)
  STRAVA_WEBHOOK_VERIFY_TOKEN              the verify token of the push subscription (webhooks create, serve)
  NO_COLOR                                 no colours

${EXIT_CODES_HELP}

Start with: strava-auth login --emulator   (then: strava-auth token, strava-auth status)
`;
}

/** Runs the command line; returns the exit code. */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    if (topic && COMMANDS[topic]) return main([topic, '--help'], io);
    io.stdout.write(usage());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    const { readFile } = await import('node:fs/promises');
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    io.stdout.write(`strava-auth ${pkg.version}\n`);
    return EXIT.ok;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    io.stderr.write(`error: unknown command "${name}". Run strava-auth --help to see the commands.\n`);
    return EXIT.usage;
  }
  const guarded = redactingIo(io, { rawStdout: entry.rawStdout ?? false });
  try {
    return await (await entry.load()).run(rest, guarded);
  } catch (error) {
    if (error instanceof HelpRequested) {
      guarded.stdout.write(error.text);
      return EXIT.ok;
    }
    const { reportError } = await import('./error-report.ts');
    return reportError(guarded, error);
  }
}

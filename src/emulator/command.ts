/**
 * `strava-auth emulator`: runs the emulator in the foreground until Ctrl+C. stdout gets what a
 * person or a script needs to point a client at it (the fake app's id and secret are printed on
 * purpose: they are not secret); stderr gets the request log and messages for people.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_CALLBACK_DOMAIN, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startEmulator } from './emulator.ts';
import { validateConsentPolicy } from './settings.ts';
import type { ConsentPolicy, Emulator } from './types.ts';

/** Where the command writes, and (for tests) a signal that stops it like Ctrl+C. */
export interface CommandIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  signal?: AbortSignal;
}

const USAGE = `Usage: strava-auth emulator [options]

Runs a local Strava (OAuth and API v3 endpoints) on 127.0.0.1 until Ctrl+C.

Options:
  --port N                 port to listen on (default: any free port)
  --client-id ID           client id of the emulated app (default ${DEFAULT_CLIENT_ID})
  --client-secret SECRET   its client secret (default ${DEFAULT_CLIENT_SECRET})
  --callback-domain HOST   its Authorization Callback Domain (default ${DEFAULT_CALLBACK_DOMAIN};
                           localhost and 127.0.0.1 are always allowed)
  --state FILE             keep athletes and tokens in FILE across runs
  --consent approve|deny   answer the consent page at once instead of showing it
  --json                   print the connection details as one JSON line
  --help                   show this help
`;

/**
 * The command's flags as data (type, value name, one line of help, completions): the CLI builds
 * `strava-auth emulator`'s parser, help and completion from it, and {@link runEmulatorCommand}
 * parses with it, so the two cannot disagree.
 */
export const EMULATOR_FLAGS = {
  port: { type: 'string', value: 'N', description: 'port to listen on (default: any free port)' },
  'client-id': { type: 'string', value: 'ID', description: `client id of the emulated app (default ${DEFAULT_CLIENT_ID})` },
  'client-secret': { type: 'string', value: 'SECRET', description: `its client secret (default ${DEFAULT_CLIENT_SECRET})` },
  'callback-domain': {
    type: 'string',
    value: 'HOST',
    description: `its Authorization Callback Domain (default ${DEFAULT_CALLBACK_DOMAIN}; localhost and 127.0.0.1 are always allowed)`,
  },
  state: { type: 'string', value: 'FILE', description: 'keep athletes and tokens in FILE across runs', complete: 'files' },
  consent: { type: 'string', value: 'approve|deny', description: 'answer the consent page at once instead of showing it', complete: ['approve', 'deny'] },
  json: { type: 'boolean', description: 'print the connection details as one JSON line' },
} as const;

/** The flag values as given on the command line. */
export type EmulatorFlagValues = { [K in keyof typeof EMULATOR_FLAGS]?: (typeof EMULATOR_FLAGS)[K]['type'] extends 'boolean' ? boolean : string };

/** What the command runs with, checked. */
export interface EmulatorCommandOptions {
  port: number;
  clientId: number;
  clientSecret: string;
  callbackDomain: string;
  statePath?: string;
  consent: ConsentPolicy | null;
  json: boolean;
}

/**
 * Runs the command; resolves with the exit code once the emulator has stopped
 * (0 stopped cleanly, 1 could not start, 2 bad usage).
 *
 * @example
 * process.exitCode = await runEmulatorCommand(process.argv.slice(3), process);
 */
export async function runEmulatorCommand(argv: string[], io: CommandIo): Promise<number> {
  let options: EmulatorCommandOptions | 'help';
  try {
    options = parseOptions(argv);
  } catch (error) {
    io.stderr.write(`strava-auth emulator: ${(error as Error).message}\nRun 'strava-auth emulator --help' for the options.\n`);
    return 2;
  }
  if (options === 'help') {
    io.stdout.write(USAGE);
    return 0;
  }
  return serveEmulator(options, io);
}

/**
 * Starts the emulator with checked options, prints its details, serves until SIGINT, SIGTERM or
 * `io.signal`; resolves with the exit code (0 stopped cleanly, 1 could not start).
 */
export async function serveEmulator(options: EmulatorCommandOptions, io: CommandIo): Promise<number> {
  let emulator: Emulator;
  try {
    emulator = await startEmulator({
      port: options.port,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      callbackDomain: options.callbackDomain,
      consent: options.consent,
      ...(options.statePath !== undefined && { statePath: options.statePath }),
      log: (line) => io.stderr.write(`${line}\n`),
    });
  } catch (error) {
    io.stderr.write(`strava-auth emulator: could not start: ${(error as Error).message}\n`);
    return 1;
  }

  io.stdout.write(options.json ? `${JSON.stringify(describe(emulator, options))}\n` : banner(emulator, options));
  io.stderr.write('Press Ctrl+C to stop.\n');
  await stopRequested(io.signal);
  await emulator.close();
  io.stderr.write('Emulator stopped.\n');
  return 0;
}

function parseOptions(argv: string[]): EmulatorCommandOptions | 'help' {
  const options = Object.fromEntries(Object.entries(EMULATOR_FLAGS).map(([name, flag]) => [name, { type: flag.type }]));
  const { values } = parseArgs({ args: argv, strict: true, allowPositionals: false, options: { ...options, help: { type: 'boolean' } } });
  if (values.help) return 'help';
  return emulatorOptions(values as EmulatorFlagValues);
}

/** Checks the flag values (numbers in range, a known consent policy); an Error names the flag. */
export function emulatorOptions(values: EmulatorFlagValues): EmulatorCommandOptions {
  const consent = values.consent;
  if (consent !== undefined && consent !== 'approve' && consent !== 'deny') {
    throw new Error(`--consent must be approve or deny, not '${consent}'.`);
  }
  const clientSecret = values['client-secret'] ?? DEFAULT_CLIENT_SECRET;
  if (clientSecret === '') throw new Error('--client-secret must not be empty.');
  return {
    port: integerOption('--port', values.port, 0, 0, 65_535),
    clientId: integerOption('--client-id', values['client-id'], DEFAULT_CLIENT_ID, 1, Number.MAX_SAFE_INTEGER),
    clientSecret,
    callbackDomain: values['callback-domain'] ?? DEFAULT_CALLBACK_DOMAIN,
    ...(values.state !== undefined && { statePath: values.state }),
    consent: validateConsentPolicy(consent === undefined ? null : { policy: consent }),
    json: values.json ?? false,
  };
}

function integerOption(flag: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) throw new Error(`${flag} must be a whole number from ${min} to ${max}, not '${raw}'.`);
  return value;
}

function environment(emulator: Emulator): Record<string, string> {
  return {
    STRAVA_BASE_URL: emulator.url,
    STRAVA_CLIENT_ID: String(emulator.clientId),
    STRAVA_CLIENT_SECRET: emulator.clientSecret,
  };
}

function describe(emulator: Emulator, options: EmulatorCommandOptions): Record<string, unknown> {
  return {
    url: emulator.url,
    oauthUrl: `${emulator.url}/oauth`,
    apiUrl: `${emulator.url}/api/v3`,
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
    callbackDomain: options.callbackDomain,
    statePath: options.statePath ?? null,
    consent: options.consent?.policy ?? 'page',
    env: environment(emulator),
  };
}

function banner(emulator: Emulator, options: EmulatorCommandOptions): string {
  const exports = Object.entries(environment(emulator))
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
  return `Strava emulator running at ${emulator.url}

  client id:        ${emulator.clientId}
  client secret:    ${emulator.clientSecret}
  callback domain:  ${options.callbackDomain} (localhost and 127.0.0.1 always allowed)
  authorize:        ${emulator.url}/oauth/authorize
  token:            ${emulator.url}/oauth/token
  API:              ${emulator.url}/api/v3
  consent:          ${options.consent ? `${options.consent.policy} at once (no page)` : 'HTML consent page'}
  state:            ${options.statePath ?? 'in memory (lost on exit; keep it with --state FILE)'}

Point a client at it:
  export ${exports}
`;
}

/** Resolves on SIGINT, SIGTERM or the abort of `signal`, whichever comes first. */
function stopRequested(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      signal?.removeEventListener('abort', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    signal?.addEventListener('abort', stop, { once: true });
    if (signal?.aborted) stop();
  });
}

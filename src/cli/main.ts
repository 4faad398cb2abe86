import type { Command, CommandDeps, CommandGroup } from './command.ts';
import { COMMANDS, isGroup } from './command-table.ts';
import { EXIT } from './exit-codes.ts';
import { processIo } from './io.ts';
import { redactingIo } from './redacting-io.ts';
import { HelpRequested, UsageError } from './usage-error.ts';

export type { Command } from './command.ts';

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const list = Object.entries(COMMANDS)
    .map(([name, { summary }]) => `  ${name.padEnd(width)}  ${summary}`)
    .join('\n');
  return `strava-auth: Strava API tokens with the right scopes, from the command line.

Usage: strava-auth [-p NAME] <command> [flags]

Commands:
${list}

Flags most commands take:
  -p, --profile NAME   use profile NAME (default: $STRAVA_PROFILE or "default"); also before the command
      --emulator       use the built-in Strava emulator (no Strava account needed)
  -h, --help           show help for the command (or: strava-auth help COMMAND)

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
  NO_COLOR                                 no colours, no spinner

Exit codes: strava-auth help exit-codes
Shell completion: strava-auth completion bash|zsh|fish

Start with: strava-auth login --emulator   (then: strava-auth token, strava-auth status)
`;
}

/**
 * `-p NAME` / `--profile NAME` before the command (`strava-auth -p work token`): taken off the
 * command line and passed on as STRAVA_PROFILE, which every command reads the same way.
 */
function globalProfile(argv: string[]): { argv: string[]; profile?: string } {
  const [first, second] = argv;
  const inline = first?.startsWith('--profile=') ? first.slice('--profile='.length) : undefined;
  if (inline !== undefined) return { argv: argv.slice(1), profile: inline };
  if ((first === '-p' || first === '--profile') && second !== undefined) return { argv: argv.slice(2), profile: second };
  if (first === '-p' || first === '--profile') throw new UsageError(`flag ${first} needs a value (NAME) before the command`);
  return { argv };
}

/** Parses and runs one command (or a group's subcommand); `--help` prints the help generated from its spec. */
async function runCommand(loaded: Command | CommandGroup, name: string, argv: string[], deps: CommandDeps): Promise<number> {
  if (isGroup(loaded)) {
    const [sub, ...rest] = argv;
    const load = sub === undefined ? undefined : loaded.subcommands[sub];
    if (load) return runCommand(await load(), `${name} ${sub}`, rest, deps);
    if (sub === '--help' || sub === '-h') throw new HelpRequested(loaded.spec);
    const { didYouMean } = await import('./did-you-mean.ts');
    const names = Object.keys(loaded.subcommands);
    const choices = `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
    throw new UsageError(
      sub === undefined
        ? `${name} needs a subcommand: ${choices}.`
        : `"${sub}" is not a ${name} subcommand${didYouMean(sub, names) || `; use ${choices}.`}`,
    );
  }
  return loaded.run(await loaded.parse(argv, deps.io), deps);
}

/** Runs the command line; returns the exit code. */
export async function main(argv: string[], deps: CommandDeps = { io: processIo() }): Promise<number> {
  let io = deps.io;
  try {
    const global = globalProfile(argv);
    if (global.profile !== undefined) {
      const { profileName } = await import('./profile.ts');
      io = { ...io, env: { ...io.env, STRAVA_PROFILE: profileName(global.profile, {}) } };
    }
    argv = global.argv;
  } catch (error) {
    const { reportError } = await import('./error-report.ts');
    return reportError(io, error);
  }
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    if (topic === 'exit-codes') {
      const { EXIT_CODES_HELP } = await import('./exit-codes.ts');
      io.stdout.write(`${EXIT_CODES_HELP}\n`);
      return EXIT.ok;
    }
    if (topic !== undefined) return main([...rest, '--help'], { ...deps, io });
    io.stdout.write(usage());
    return EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    const { readFile } = await import('node:fs/promises');
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    io.stdout.write(`strava-auth ${pkg.version}\n`);
    return EXIT.ok;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    const { didYouMean } = await import('./did-you-mean.ts');
    const hint = didYouMean(name, Object.keys(COMMANDS).concat('help'));
    io.stderr.write(`error: unknown command "${name}"${hint}\nRun strava-auth --help to see the commands.\n`);
    return EXIT.usage;
  }
  const guarded = redactingIo(io, { rawStdout: entry.rawStdout ?? false });
  try {
    return await runCommand(await entry.load(), name, rest, { ...deps, io: guarded });
  } catch (error) {
    if (error instanceof HelpRequested) {
      const { helpText } = await import('./help-text.ts');
      guarded.stdout.write(helpText(error.spec));
      return EXIT.ok;
    }
    const { reportError } = await import('./error-report.ts');
    return reportError(guarded, error);
  }
}

import type { Clock } from '../core/clock.ts';
import type { FetchLike } from '../core/http.ts';
import type { Sleep } from '../core/retry.ts';
import type { Emulator, EmulatorOptions } from '../emulator/index.ts';
import type { CommandSpec } from './flag-spec.ts';
import type { Io } from './io.ts';

/**
 * What a command talks to, passed in (gh's Factory): main passes the process's; tests pass fake
 * IO and their own fetch, clock, browser or emulator. Anything left out is the real one.
 */
export interface CommandDeps {
  io: Io;
  /** Every HTTP request of the run (OAuth and API). */
  fetch?: FetchLike;
  /** Token expiry and refresh decisions. */
  clock?: Clock;
  /** Waits on that clock (a rate-limit wait); tests pass one that only moves a manual clock. */
  sleep?: Sleep;
  /** Opens the consent page; resolves false when no browser could be started. */
  openBrowser?: (url: string, env: NodeJS.ProcessEnv) => Promise<boolean>;
  /** Starts the built-in emulator for `--emulator` runs. */
  startEmulator?: (options: EmulatorOptions) => Promise<Emulator>;
  /** Ends waits early, as Ctrl-C does (tests pass one; without it, a waiting command listens for SIGINT itself). */
  signal?: AbortSignal;
}

/**
 * One command: its flag spec, a parse step from the command line to its options (usage mistakes
 * throw UsageError before anything is sent), and `run`, which tests call with fake deps.
 */
export interface Command<Options = any> {
  spec: CommandSpec;
  parse(argv: string[], io: Io): Options | Promise<Options>;
  run(options: Options, deps: CommandDeps): Promise<number>;
  /**
   * Subcommands the command also takes as its first argument (`serve keys`; its parse hands them
   * on), each with a summary and its spec: what shell completion offers after the command.
   */
  nested?: ReadonlyArray<readonly [name: string, summary: string, load: () => Promise<CommandSpec>]>;
}

/** A group of subcommands (`tokens`, `webhooks`), each loaded on demand. */
export interface CommandGroup {
  spec: CommandSpec;
  subcommands: Record<string, () => Promise<Command>>;
}

/**
 * A command's flags as data: the one source of its parsing (parse-flags.ts), its help
 * (help-text.ts) and its shell completion (completion-script.ts), so the three cannot drift.
 */

/** What a shell offers for a flag's value: scope names, profile names, files, or a fixed list. */
export type FlagCompletion = 'scopes' | 'profiles' | 'files' | readonly string[];

interface FlagSpecFields {
  type: 'string' | 'boolean';
  short?: string;
  /** May be given more than once; the values come back as an array. */
  multiple?: boolean;
  /** The value's name in help, e.g. LIST in `--scope LIST`. */
  value?: string;
  /** One line for the help's flag table; longer text wraps. */
  description: string;
  complete?: FlagCompletion;
}

/**
 * One flag. A required one is shown without brackets in the usage line, and parseFlags refuses a
 * command line without it, showing `example` as a value to give.
 */
export type FlagSpec = FlagSpecFields & ({ required?: false } | { required: true; example: string });

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

/** A command (or a subcommand, named "tokens migrate") and everything its help says. */
export interface CommandSpec<F extends FlagSpecs = FlagSpecs> {
  name: string;
  /** Positional arguments as the usage line shows them, e.g. `FILE` or `[METHOD] PATH`; none when absent. */
  args?: string;
  /** What a shell offers for those arguments. */
  complete?: FlagCompletion;
  /** What the command does: paragraphs shown under the usage line. */
  description: string;
  flags: F;
  /** Text after the flag table (arguments, examples, notes). */
  more?: string;
  /** Subcommands of a group (`tokens`, `webhooks`): name and one line. */
  subcommands?: ReadonlyArray<readonly [name: string, summary: string]>;
}

type FlagValue<S extends FlagSpec> = S['type'] extends 'boolean'
  ? S['multiple'] extends true ? boolean[] : boolean
  : S['multiple'] extends true ? string[] : string;

/** The parsed values of a command's flags; absent when not given, which a required flag never is. */
export type FlagValues<F extends FlagSpecs> = { -readonly [K in keyof F as F[K]['required'] extends true ? K : never]: FlagValue<F[K]> } & {
  -readonly [K in keyof F as F[K]['required'] extends true ? never : K]?: FlagValue<F[K]>;
};

/** `-p, --profile NAME`, worded for what the command does with the profile. */
export function profileFlag(what = 'profile to use') {
  return { type: 'string', short: 'p', value: 'NAME', description: `${what} (default: $STRAVA_PROFILE or "default")`, complete: 'profiles' } as const satisfies FlagSpec;
}

/** `--emulator`, worded for what the command does with it. */
export function emulatorFlag(what = 'use the built-in Strava emulator (no Strava account needed)') {
  return { type: 'boolean', description: what } as const satisfies FlagSpec;
}

/** `--json`. */
export function jsonFlag(what = 'print the result as JSON on stdout') {
  return { type: 'boolean', description: what } as const satisfies FlagSpec;
}

/** `--help`, which every command takes; added by the parser and the help. */
export const HELP_FLAG = { type: 'boolean', short: 'h', description: 'show this help' } as const satisfies FlagSpec;

/** `-s, --scope LIST`, completed with Strava's scope names. */
export function scopeSpec(what: string) {
  return { type: 'string', short: 's', value: 'LIST', description: `${what}; comma or space separated, see strava-auth scopes`, complete: 'scopes' } as const satisfies FlagSpec;
}

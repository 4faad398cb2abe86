import { parseArgs, type ParseArgsConfig } from 'node:util';
import { HelpRequested, UsageError } from './usage-error.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Flags every command takes. */
export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  profile: { type: 'string', short: 'p' },
  emulator: { type: 'boolean' },
} as const satisfies Options;

/**
 * util.parseArgs with strava-auth's manners: unknown flags and missing values are a UsageError
 * (exit 2) whose message names the flag, and `--help` throws {@link HelpRequested} with `help`.
 */
export function parseCommandArgs<T extends Options>(argv: string[], options: T, help: string, allowPositionals = false) {
  const parse = () => {
    try {
      return parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...options }, allowPositionals, strict: true });
    } catch (error) {
      const message = error instanceof Error ? error.message.replace(/^TypeError \[\w+\]: /, '') : String(error);
      throw new UsageError(message.split('\n')[0] ?? message);
    }
  };
  const parsed = parse();
  if ((parsed.values as { help?: boolean }).help) throw new HelpRequested(help);
  return parsed;
}

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usage-error.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Flags every command takes. */
export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  profile: { type: 'string', short: 'p' },
  emulator: { type: 'boolean' },
} as const satisfies Options;

/**
 * util.parseArgs with strava-auth's manners: unknown flags and missing values are a UsageError
 * (exit 2) whose message names the flag.
 */
export function parseCommandArgs<T extends Options>(argv: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...options }, allowPositionals, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/^TypeError \[\w+\]: /, '') : String(error);
    throw new UsageError(message.split('\n')[0] ?? message);
  }
}

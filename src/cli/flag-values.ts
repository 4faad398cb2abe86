/**
 * Flag values checked once, up front, before a session starts or anything is sent: a mistake is
 * a usage error (exit 2) that says what is allowed, with an example.
 */
import { InvalidScopeError } from '../core/errors/invalid-scope-error.ts';
import { parseScopes, type Scope } from '../core/scopes.ts';
import { apiPathProblem } from '../client/api-path.ts';
import { closest } from './did-you-mean.ts';
import type { Io } from './io.ts';
import { styleFor } from './style.ts';
import { UsageError } from './usage-error.ts';

/** `--scope LIST`: today's scope names (legacy ones translated, with a warning on stderr). */
export function scopeFlag(value: string, io: Io): Scope[] {
  try {
    return parseScopes(value, (warning) => io.stderr.write(`${styleFor(io).yellow('warning:')} ${warning}\n`));
  } catch (error) {
    if (!(error instanceof InvalidScopeError)) throw error;
    const hints = error.invalid.map((name) => ({ name, match: closest(name, error.valid) })).filter(({ match }) => match);
    const hint =
      hints.length === 1 && error.invalid.length === 1
        ? `Did you mean ${hints[0]!.match}? `
        : hints.length
          ? `Did you mean ${hints.map(({ name, match }) => `${match} (for ${JSON.stringify(name)})`).join(', ')}? `
          : '';
    throw new UsageError(`--scope: ${error.message.replace(error.remedy, `${hint}${error.remedy}`)} For example: --scope read,activity:read_all`);
  }
}

/** `--port N`: a whole number from 0 (any free port) to 65535, written in decimal digits. */
export function portFlag(value: string | undefined): number {
  if (value === undefined) return 0;
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new UsageError(`--port takes a port number from 0 (any free port) to 65535, e.g. --port 8080; got ${JSON.stringify(value)}.`);
  return port;
}

/** A number of seconds, more than 0 and at most `max` (a bound keeps timers meaningful). */
export function secondsFlag(flag: string, value: string | undefined, fallback: number, max = 86_400): number {
  if (value === undefined) return fallback;
  const seconds = /^(\d+\.?\d*|\.\d+)$/.test(value.trim()) ? Number(value) : NaN;
  if (!(seconds > 0 && seconds <= max)) throw new UsageError(`${flag} takes a number of seconds, more than 0 and at most ${max}, e.g. ${flag} 120; got ${JSON.stringify(value)}.`);
  return seconds;
}

/** The PATH of `api`: under the API base, starting with a slash, never climbing out with `..`. */
export function apiPathArgument(path: string): string {
  if (!path.startsWith('/')) throw new UsageError(`PATH starts with a slash, e.g. /athlete; got ${JSON.stringify(path)}.`);
  const problem = apiPathProblem(path);
  if (problem) throw new UsageError(`Refusing PATH ${JSON.stringify(path)}: ${problem}. Give a path under the API base, e.g. /athlete/activities.`);
  return path;
}

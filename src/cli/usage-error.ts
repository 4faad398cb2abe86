import { StravaAuthError } from '../core/errors/strava-auth-error.ts';
import type { CommandSpec } from './flag-spec.ts';

/**
 * A usage mistake (unknown flag, missing argument, a value out of range): printed with a pointer
 * to `--help`, exit code 2. The message says what to type instead, so the remedy is that pointer.
 */
export class UsageError extends StravaAuthError {
  constructor(message: string) {
    super(message, { code: 'usage_error', remedy: '' });
  }
}

/**
 * `--help` was given: not a failure. Thrown by parseFlags with the command's spec, so every
 * command gets the same handling (main prints the help generated from the spec on stdout and
 * exits 0) after its flags have parsed.
 */
export class HelpRequested extends Error {
  readonly spec: CommandSpec;
  constructor(spec: CommandSpec) {
    super('help requested');
    this.name = 'HelpRequested';
    this.spec = spec;
  }
}

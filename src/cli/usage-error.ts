import type { CommandSpec } from './flag-spec.ts';

/** A usage mistake (unknown flag, missing argument): printed with a pointer to `--help`, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
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

/** A usage mistake (unknown flag, missing argument): printed with a pointer to `--help`, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * `--help` was given: not a failure. Thrown by parseCommandArgs with the command's help text, so
 * every command gets the same handling (main prints it on stdout and exits 0) after its flags
 * have parsed.
 */
export class HelpRequested extends Error {
  readonly text: string;
  constructor(text: string) {
    super('help requested');
    this.name = 'HelpRequested';
    this.text = text;
  }
}

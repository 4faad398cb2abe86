/**
 * The command (or page) that authorizes again, named in the remedies of errors whose fix is a new
 * authorization: a string, or a function of the scopes to ask for, so that a missing scope's
 * remedy asks for exactly the scopes the call needs (the CLI's: `strava-auth login --scope
 * <scopes> --force`).
 */
export type LoginCommand = string | ((scopes: readonly string[]) => string);

/** The command that asks for `scopes` (none: a plain re-login), or undefined when none is configured. */
export function loginCommandFor(command: LoginCommand | undefined, scopes: readonly string[] = []): string | undefined {
  return typeof command === 'function' ? command(scopes) : command;
}

import { StravaAuthError } from '../core/errors/strava-auth-error.ts';
import type { StravaAuthErrorCode } from '../core/errors/error-codes.ts';
import { escapeControlCharacters } from '../core/terminal-text.ts';
import { EXIT, EXIT_FOR_CODE, type ExitCode } from './exit-codes.ts';
import type { Io } from './io.ts';
import { styleFor } from './style.ts';
import { UsageError } from './usage-error.ts';

export { UsageError };

/** The exit code that tells a script what kind of failure this was: by the error's code (exit-codes.ts). */
export function exitCodeFor(error: unknown): ExitCode {
  return (error instanceof StravaAuthError && EXIT_FOR_CODE[error.code]) || EXIT.error;
}

/**
 * The CLI's own remedy for errors whose library remedy cannot name a command (they come from a
 * store or a webhook call, where no `loginCommand` reaches): a library user reads neutral words,
 * a CLI user the command that fixes it.
 */
const CLI_REMEDIES: Partial<Record<StravaAuthErrorCode, string>> = {
  encryption_key_missing:
    'Set STRAVA_AUTH_ENCRYPTION_KEY to the key that encrypted them (32 bytes, base64). If that key is lost, remove the tokens (strava-auth logout --local) and log in again.',
  corrupt_token_file: 'Fix the file by hand, or replace it by logging in again (strava-auth login); strava-auth logout --local removes it. It is never overwritten automatically.',
  push_subscription_exists: 'See it with strava-auth webhooks list; to move it, delete it (strava-auth webhooks delete ID) and create it again.',
};

/** The error's message, with the CLI's remedy in place of the library's where the CLI has one. */
function cliMessage(error: StravaAuthError): string {
  const remedy = CLI_REMEDIES[error.code];
  if (remedy === undefined || !error.remedy || !error.message.endsWith(error.remedy)) return error.message;
  return `${error.message.slice(0, -error.remedy.length)}${remedy}`;
}

/**
 * Prints one clear sentence (what happened, what to do) on stderr and returns the exit code.
 * Unexpected errors keep their stack only when STRAVA_AUTH_DEBUG is set. The text may quote a
 * server (a message, an `error=` value): its control characters are shown, not obeyed, and the
 * secrets the run knows are taken out (by `io.redactor`, and again by main's redacting stderr).
 */
export function reportError(io: Io, error: unknown): number {
  const style = styleFor(io);
  io.stderr.write(`${style.red('error:')} ${errorText(io, error)}\n`);
  return exitCodeFor(error);
}

/**
 * The sentence that says what went wrong and what to do: the secrets the run knows taken out (by
 * `io.redactor`), and control characters shown, not obeyed. One line unless we add one: a
 * server's newline must not fake a line of our own.
 */
export function errorText(io: Io, error: unknown): string {
  const clean = (text: string, multiline = false) => escapeControlCharacters(io.redactor ? io.redactor.redact(text) : text, { multiline });
  if (error instanceof UsageError) return `${clean(error.message)}\nRun with --help for usage.`;
  if (error instanceof StravaAuthError) return clean(cliMessage(error));
  if (error instanceof Error) return io.env.STRAVA_AUTH_DEBUG ? clean(String(error.stack), true) : `${clean(error.message)} (set STRAVA_AUTH_DEBUG=1 for details)`;
  return clean(String(error));
}

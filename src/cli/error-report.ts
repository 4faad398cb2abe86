import { AuthorizationDeniedError } from '../core/errors/authorization-denied-error.ts';
import { InvalidAccessTokenError } from '../core/errors/invalid-access-token-error.ts';
import { InvalidRefreshTokenError } from '../core/errors/invalid-refresh-token-error.ts';
import { MissingScopeError } from '../core/errors/missing-scope-error.ts';
import { NetworkError } from '../core/errors/network-error.ts';
import { RateLimitError } from '../core/errors/rate-limit-error.ts';
import { StateMismatchError } from '../core/errors/state-mismatch-error.ts';
import { StravaApiError } from '../core/errors/strava-api-error.ts';
import { StravaAuthError } from '../core/errors/strava-auth-error.ts';
import { StravaServerError } from '../core/errors/server-error.ts';
import { escapeControlCharacters } from '../core/terminal-text.ts';
import { EXIT } from './exit-codes.ts';
import type { Io } from './io.ts';
import { styleFor } from './style.ts';
import { UsageError } from './usage-error.ts';

export { UsageError };

/** The exit code that tells a script what kind of failure this was (see exit-codes.ts). */
export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof MissingScopeError) return EXIT.scope;
  if (error instanceof RateLimitError) return EXIT.rateLimit;
  if (error instanceof NetworkError || error instanceof StravaServerError) return EXIT.unavailable;
  if (
    error instanceof InvalidRefreshTokenError ||
    error instanceof InvalidAccessTokenError ||
    error instanceof AuthorizationDeniedError ||
    error instanceof StateMismatchError
  ) {
    return EXIT.auth;
  }
  if (error instanceof StravaAuthError && (error.code === 'not_logged_in' || error.code === 'login_timeout')) {
    return error.code === 'login_timeout' ? EXIT.interrupted : EXIT.auth;
  }
  if (error instanceof StravaApiError) return EXIT.refused;
  return EXIT.error;
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
  if (error instanceof StravaAuthError) return clean(error.message);
  if (error instanceof Error) return io.env.STRAVA_AUTH_DEBUG ? clean(String(error.stack), true) : `${clean(error.message)} (set STRAVA_AUTH_DEBUG=1 for details)`;
  return clean(String(error));
}

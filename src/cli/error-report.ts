import {
  AuthorizationDeniedError,
  InvalidAccessTokenError,
  InvalidRefreshTokenError,
  MissingScopeError,
  NetworkError,
  RateLimitError,
  StateMismatchError,
  StravaApiError,
  StravaAuthError,
  StravaServerError,
} from '../core/index.ts';
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

/** Replaces every known secret in `text` by `[redacted]`: the last guard before anything is printed. */
export function redact(text: string, secrets: Iterable<string | undefined>): string {
  let out = text;
  for (const secret of secrets) if (secret && secret.length >= 6) out = out.split(secret).join('[redacted]');
  return out;
}

/**
 * Prints one clear sentence (what happened, what to do) on stderr and returns the exit code.
 * Unexpected errors keep their stack only when STRAVA_AUTH_DEBUG is set.
 */
export function reportError(io: Io, error: unknown, secrets: Iterable<string | undefined> = []): number {
  const style = styleFor(io);
  io.stderr.write(`${style.red('error:')} ${errorText(io, error, secrets)}\n`);
  return exitCodeFor(error);
}

/** The sentence that says what went wrong and what to do, with every known secret redacted. */
export function errorText(io: Io, error: unknown, secrets: Iterable<string | undefined> = []): string {
  let text: string;
  if (error instanceof UsageError) text = `${error.message}\nRun with --help for usage.`;
  else if (error instanceof StravaAuthError) text = error.message;
  else if (error instanceof Error) text = io.env.STRAVA_AUTH_DEBUG ? String(error.stack) : `${error.message} (set STRAVA_AUTH_DEBUG=1 for details)`;
  else text = String(error);
  return redact(text, secrets);
}

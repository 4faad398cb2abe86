import type { StravaAuthErrorCode } from './error-codes.ts';

/** Options shared by every strava-auth error. */
export interface StravaAuthErrorOptions {
  /** Stable machine-readable code from `ERROR_CODES`, e.g. `missing_scope`. */
  code: StravaAuthErrorCode;
  /** What the caller (or the person at the keyboard) should do next. */
  remedy: string;
  cause?: unknown;
}

/**
 * Base class of every error strava-auth throws. `code` is stable for programs, `remedy` says what
 * to do next, and `message` is both sentences together. Errors never carry secrets: no client
 * secret, access or refresh token is ever put into a message, and `toJSON` lists only safe fields.
 */
export class StravaAuthError extends Error {
  /** Stable machine-readable code from `ERROR_CODES`. */
  readonly code: StravaAuthErrorCode;
  readonly remedy: string;

  constructor(summary: string, options: StravaAuthErrorOptions) {
    super(options.remedy ? `${summary} ${options.remedy}` : summary, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.remedy = options.remedy;
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, remedy: this.remedy };
  }
}

import type { StravaAuthErrorCode } from './error-codes.ts';
import { StravaAuthError } from './strava-auth-error.ts';

/** One entry of the `errors` array in Strava's error JSON. */
export interface StravaFault {
  resource: string;
  field: string;
  code: string;
}

/** Options for errors built from an HTTP response of Strava (or the emulator). */
export interface StravaApiErrorOptions {
  code: StravaAuthErrorCode;
  remedy: string;
  status: number;
  faults?: readonly StravaFault[];
  /** Strava's own `message` (e.g. `Authorization Error`). */
  stravaMessage?: string;
  cause?: unknown;
}

/**
 * An error Strava answered with. Carries the HTTP status and the `errors` array exactly as Strava
 * sent them, so a caller can inspect what the typed subclasses do not cover.
 */
export class StravaApiError extends StravaAuthError {
  readonly status: number;
  readonly faults: readonly StravaFault[];
  readonly stravaMessage: string | undefined;

  constructor(summary: string, options: StravaApiErrorOptions) {
    super(summary, options);
    this.status = options.status;
    this.faults = Object.freeze([...(options.faults ?? [])]);
    this.stravaMessage = options.stravaMessage;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), status: this.status, faults: this.faults, stravaMessage: this.stravaMessage };
  }
}

/** Formats faults the way people quote them: `RefreshToken/refresh_token/invalid`. */
export function describeFaults(faults: readonly StravaFault[]): string {
  return faults.map((f) => `${f.resource}/${f.field}/${f.code}`).join(', ');
}

import type { StravaAuthErrorCode } from '../../core/errors/error-codes.ts';
import { StravaAuthError } from '../../core/errors/strava-auth-error.ts';

/**
 * An answer of the token API other than success: an HTTP status with the usual `code` and
 * `remedy`. The body is `{"error": {"code", "message", "remedy"}}`; nothing in it is a secret.
 */
export class ServiceError extends StravaAuthError {
  readonly status: number;

  constructor(status: number, summary: string, options: { code: StravaAuthErrorCode; remedy: string; cause?: unknown }) {
    super(summary, options);
    this.status = status;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), status: this.status };
  }
}

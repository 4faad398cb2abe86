import { StravaApiError, type StravaApiErrorOptions } from './strava-api-error.ts';

/** Strava answered 5xx. Safe to retry for idempotent requests. */
export class StravaServerError extends StravaApiError {
  constructor(options: Omit<StravaApiErrorOptions, 'code' | 'remedy'>) {
    super(`Strava had a server error (HTTP ${options.status}).`, {
      ...options,
      code: 'server_error',
      remedy: 'Try again in a moment; https://status.strava.com shows outages.',
    });
  }
}

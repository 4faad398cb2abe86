import { ServiceError } from './service-error.ts';

/** Strava could not be reached or failed (network, 5xx, rate limit): the service could not refresh or revoke. */
export class UpstreamError extends ServiceError {
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number, cause: unknown) {
    super(502, 'Strava did not answer as needed (network, server error or rate limit); nothing stored was changed.', {
      code: 'strava_unavailable',
      remedy: `Retry after ${retryAfterSeconds} s.`,
      cause,
    });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

import { StravaAuthError } from './strava-auth-error.ts';

/** The request never got an answer: DNS, connection refused or reset, timeout. */
export class NetworkError extends StravaAuthError {
  constructor(target: string, cause: unknown) {
    const detail = cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : String(cause);
    super(`Could not reach ${target}: ${detail}.`, {
      code: 'network_error',
      remedy: 'Check the network connection (and STRAVA_BASE_URL if set), then try again.',
      cause,
    });
  }
}

import type { Redactor } from '../redactor.ts';
import { StravaAuthError } from './strava-auth-error.ts';

/**
 * The request never got an answer: DNS, connection refused or reset, timeout. The cause's text
 * may quote the URL (userinfo included) or the request: `redactor` takes its secrets out.
 */
export class NetworkError extends StravaAuthError {
  constructor(target: string, cause: unknown, redactor?: Redactor) {
    const detail = cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : String(cause);
    const summary = `Could not reach ${target}: ${detail}.`;
    super(redactor ? redactor.redact(summary) : summary, {
      code: 'network_error',
      remedy: 'Check the network connection (and STRAVA_BASE_URL if set), then try again.',
      cause,
    });
  }
}

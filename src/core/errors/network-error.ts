import type { Redactor } from '../redactor.ts';
import { StravaAuthError, type StravaAuthErrorOptions } from './strava-auth-error.ts';

/** What to check when a host cannot be reached or answers too slowly; shared by the network errors. */
export const NETWORK_REMEDY = 'Check the network connection, STRAVA_BASE_URL if set, and any proxy (HTTPS_PROXY), then try again.';

/**
 * The request never got an answer: DNS, connection refused or reset, timeout. The cause's text
 * may quote the URL (userinfo included) or the request: `redactor` takes its secrets out.
 */
export class NetworkError extends StravaAuthError {
  /**
   * @param target where the request went (origin and path; never the query, body or userinfo)
   * @param details for subclasses: their own sentence, code and remedy
   * @param redactor the request's secrets, taken out of the cause's text
   */
  constructor(target: string, cause: unknown, details?: ({ summary: string } & Omit<StravaAuthErrorOptions, 'cause'>) | undefined, redactor?: Redactor) {
    const raw = cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : String(cause);
    // fetch quotes a URL with userinfo ("user:password@") in its message; the password stays out.
    const detail = raw.replace(/\/\/[^\s/?#@]*@/g, '//');
    const summary = details?.summary ?? `Could not reach ${target}: ${detail}.`;
    super(redactor ? redactor.redact(summary) : summary, {
      code: details?.code ?? 'network_error',
      remedy: details?.remedy ?? NETWORK_REMEDY,
      ...(cause !== undefined && { cause }),
    });
  }
}

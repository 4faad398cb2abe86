import { NetworkError } from './errors/network-error.ts';
import { ResponseTooLargeError } from './errors/response-too-large-error.ts';
import { StravaServerError } from './errors/server-error.ts';

/**
 * Whether a failure may go away on its own, so another attempt is worth it: no answer (network
 * errors, timeouts) or a 5xx. An over-cap body is not: the same server would send it again.
 * Whether repeating the request is *safe* is the caller's question (a POST may have arrived).
 */
export function isTransientError(error: unknown): boolean {
  if (error instanceof ResponseTooLargeError) return false;
  return error instanceof NetworkError || error instanceof StravaServerError;
}

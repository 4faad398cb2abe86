/**
 * Which failures are worth another attempt. Idempotent calls are retried on network errors and
 * 5xx. A POST is retried only when the request certainly never reached Strava (the connection was
 * refused, the name did not resolve): once it may have arrived, a second POST could create a
 * second activity or upload.
 */
import { NetworkError } from '../core/errors/network-error.ts';
import { isTransientError } from '../core/transient-error.ts';

/** Connection-phase failures: the request was never sent. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

function causeCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

/** Whether a network error happened before the request could reach the server. */
function neverReachedServer(error: NetworkError): boolean {
  return causeCodes(error.cause).some((code) => NEVER_SENT.has(code));
}

/** Whether `error` justifies another attempt of a call (`idempotent`: not a POST). */
export function isRetryable(error: unknown, idempotent: boolean, signal: AbortSignal | undefined): boolean {
  if (signal?.aborted || !isTransientError(error)) return false;
  return idempotent || (error instanceof NetworkError && neverReachedServer(error));
}

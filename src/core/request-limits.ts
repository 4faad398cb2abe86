/**
 * What bounds every request strava-auth sends: how long it may take and how much of an answer
 * is read. A silent server, a stalled body or an endless one then costs a known time and memory
 * instead of hanging the caller or filling its heap.
 */

/** The bounds of one request. */
export interface RequestLimits {
  /** Connect, headers and the whole body within this many milliseconds (default 30 s). */
  timeoutMs: number;
  /** Read at most this many bytes of a response body (default 8 MiB), then stop and fail. */
  maxResponseBytes: number;
}

/** Default bound of one request, from connecting to the last byte of the body. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * Default cap of a response body. Strava's largest JSON answers (the streams of a long activity,
 * 200 activities with their polylines) stay well below it.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/** The limits with defaults filled in; refuses values that would disable them. */
export function resolveLimits(limits: Partial<RequestLimits> = {}): RequestLimits {
  const timeoutMs = limits.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const maxResponseBytes = limits.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  if (!(timeoutMs > 0 && Number.isFinite(timeoutMs))) throw new RangeError(`requestTimeoutMs must be a positive number of milliseconds; got ${timeoutMs}.`);
  if (!(maxResponseBytes > 0 && Number.isFinite(maxResponseBytes))) throw new RangeError(`maxResponseBytes must be a positive number of bytes; got ${maxResponseBytes}.`);
  return { timeoutMs, maxResponseBytes };
}

/** The limits an options object asks for (`requestTimeoutMs`, `maxResponseBytes`), defaults left out. */
export function limitsOf(options: { requestTimeoutMs?: number | undefined; maxResponseBytes?: number | undefined }): Partial<RequestLimits> {
  return {
    ...(options.requestTimeoutMs !== undefined && { timeoutMs: options.requestTimeoutMs }),
    ...(options.maxResponseBytes !== undefined && { maxResponseBytes: options.maxResponseBytes }),
  };
}

/** The limits of one attempt of a retried call: its timeout shortened to what is left of the budget. */
export function limitsWithin(limits: Partial<RequestLimits>, remainingMs: number): RequestLimits {
  const resolved = resolveLimits(limits);
  return { ...resolved, timeoutMs: Math.max(1, Math.min(resolved.timeoutMs, remainingMs)) };
}

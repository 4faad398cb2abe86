import { NetworkError } from './network-error.ts';

/**
 * A response body was larger than the cap, so reading stopped there (the connection is dropped;
 * an endless body never fills memory). A {@link NetworkError} for the CLI's exit code 6, but never
 * retried: the same server would send the same body.
 */
export class ResponseTooLargeError extends NetworkError {
  /** The host, as an origin: never a path, query or userinfo. */
  readonly origin: string;
  readonly endpoint: string;
  readonly maxResponseBytes: number;

  constructor(options: { origin: string; endpoint: string; maxResponseBytes: number }) {
    super(options.origin, undefined, {
      summary: `${options.endpoint} at ${options.origin} answered with more than ${sizeInWords(options.maxResponseBytes)}; stopped reading.`,
      code: 'response_too_large',
      remedy:
        'Check that STRAVA_BASE_URL (if set) and any proxy lead to Strava; if the answer really is that large, raise the cap: STRAVA_AUTH_MAX_RESPONSE_MB for the CLI, the maxResponseBytes option in code.',
    });
    this.origin = options.origin;
    this.endpoint = options.endpoint;
    this.maxResponseBytes = options.maxResponseBytes;
  }
}

function sizeInWords(bytes: number): string {
  return bytes >= 100 * 1024 ? `${+(bytes / (1024 * 1024)).toFixed(2)} MB` : `${bytes} bytes`;
}

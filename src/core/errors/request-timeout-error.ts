import { NETWORK_REMEDY, NetworkError } from './network-error.ts';

/**
 * A request did not finish in time: no connection, no headers, or a body that stopped coming
 * before the request's deadline. A {@link NetworkError}, so it is retried where network errors are
 * (within the retry budget) and the CLI exits 6.
 */
export class RequestTimeoutError extends NetworkError {
  /** The host, as an origin (`https://www.strava.com`): never a path, query or userinfo. */
  readonly origin: string;
  readonly endpoint: string;
  readonly timeoutMs: number;

  constructor(options: { origin: string; endpoint: string; timeoutMs: number }) {
    super(options.origin, undefined, {
      summary: `${options.endpoint} at ${options.origin} got no complete answer within ${seconds(options.timeoutMs)}.`,
      code: 'request_timeout',
      remedy: `${NETWORK_REMEDY} On a slow network allow more time: STRAVA_AUTH_TIMEOUT=SECONDS for the CLI, the requestTimeoutMs option in code.`,
    });
    this.origin = options.origin;
    this.endpoint = options.endpoint;
    this.timeoutMs = options.timeoutMs;
  }
}

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${+(ms / 1000).toFixed(1)} s`;
}

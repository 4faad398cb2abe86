import type { Clock } from './clock.ts';
import { errorFromResponse, type ErrorContext } from './error-response.ts';
import { NetworkError } from './errors/network-error.ts';
import { Redactor } from './redactor.ts';

/** The fetch function strava-auth calls; pass your own (a proxy, a test double, a worker's fetch). */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** A response whose body was read, so errors can be built from it without a second read. */
export interface ReadResponse {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * Sends a request and reads the body. Network failures become {@link NetworkError} naming the
 * endpoint (never the query or body); non-2xx answers become the typed error of their shape.
 * Neither carries a secret of the request (`context.redactor`) or the URL's userinfo.
 */
export async function send(
  fetchFn: FetchLike,
  url: URL,
  init: RequestInit,
  context: ErrorContext & { clock: Clock },
): Promise<ReadResponse> {
  const redactor = url.username || url.password ? (context.redactor?.copy() ?? new Redactor()).addUrl(url) : context.redactor;
  let response: Response;
  let text: string;
  try {
    response = await fetchFn(url, init);
    text = await response.text();
  } catch (error) {
    throw new NetworkError(`${url.origin}${url.pathname}`, error, redactor);
  }
  if (response.status < 200 || response.status > 299) {
    throw errorFromResponse(response.status, response.headers, text, { ...context, redactor });
  }
  return { status: response.status, headers: response.headers, text };
}

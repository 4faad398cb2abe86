import { defaultFetch, fetchBounded } from '../core/http.ts';
import { errorFromResponse } from '../core/error-response.ts';
import { limitsOf } from '../core/request-limits.ts';
import { systemClock } from '../core/clock.ts';
import { type OAuthConfig } from '../core/token-endpoint.ts';

/**
 * Loads the authorize URL once without a browser. Strava answers a bad client id, a redirect URI
 * outside the callback domain, or an inactive app with a 4xx JSON page that a browser would show
 * while the CLI waited forever; this turns it into the typed error at once. Anything else
 * (the consent or login page, a redirect) means the URL is fine. Bounded like every request
 * (`requestTimeoutMs`, `maxResponseBytes`); `login` passes what is left of its `--timeout`, and
 * a `signal` that Ctrl-C aborts.
 */
export async function checkAuthorizeUrl(
  url: URL,
  config: Pick<OAuthConfig, 'fetch' | 'clock' | 'requestTimeoutMs' | 'maxResponseBytes'>,
  signal?: AbortSignal,
): Promise<void> {
  const fetchFn = config.fetch ?? defaultFetch;
  const response = await fetchBounded(
    fetchFn,
    url,
    { redirect: 'manual', headers: { accept: 'text/html,application/json' }, ...(signal && { signal }) },
    { endpoint: 'GET /oauth/authorize', limits: limitsOf(config) },
  );
  if (response.status >= 400 && response.status < 500) {
    throw errorFromResponse(response.status, response.headers, response.text, { endpoint: 'GET /oauth/authorize', clock: config.clock ?? systemClock });
  }
}

import { errorFromResponse, NetworkError, systemClock, type OAuthConfig } from '../core/index.ts';

/**
 * Loads the authorize URL once without a browser. Strava answers a bad client id, a redirect URI
 * outside the callback domain, or an inactive app with a 4xx JSON page that a browser would show
 * while the CLI waited forever; this turns it into the typed error at once. Anything else
 * (the consent or login page, a redirect) means the URL is fine.
 */
export async function checkAuthorizeUrl(url: URL, config: Pick<OAuthConfig, 'fetch' | 'clock'>): Promise<void> {
  const fetchFn = config.fetch ?? globalThis.fetch;
  let response: Response;
  try {
    response = await fetchFn(url, { redirect: 'manual', headers: { accept: 'text/html,application/json' } });
  } catch (error) {
    throw new NetworkError(`${url.origin}${url.pathname}`, error);
  }
  const text = await response.text();
  if (response.status >= 400 && response.status < 500) {
    throw errorFromResponse(response.status, response.headers, text, { endpoint: 'GET /oauth/authorize', clock: config.clock ?? systemClock });
  }
}

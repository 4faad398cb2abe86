/**
 * The redirect_uri rules of the authorize step: where Strava may send the browser back to, and
 * how it appends its answer.
 */

/** Hosts Strava accepts on any port whatever the app's callback domain. */
const ALWAYS_ALLOWED_HOSTS = new Set(['localhost', '127.0.0.1']);

/**
 * True when `redirectUri` points inside `callbackDomain` (the host itself or a subdomain; scheme,
 * port and path do not matter) or at localhost / 127.0.0.1. Mobile URIs such as
 * `myapp://myapp.example.com` are judged by their host too.
 */
export function isAllowedRedirectUri(redirectUri: string, callbackDomain: string): boolean {
  let host: string;
  try {
    host = new URL(redirectUri).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (host === '') return false;
  if (ALWAYS_ALLOWED_HOSTS.has(host)) return true;
  const domain = callbackDomain.trim().toLowerCase();
  return domain !== '' && (host === domain || host.endsWith(`.${domain}`));
}

/**
 * `redirectUri` with Strava's answer appended, keeping any query it already has (a fragment is
 * dropped, as a browser would not send it anyway). Commas and colons in values stay unescaped,
 * as in Strava's own `scope=read,activity:read_all`.
 */
export function appendToRedirectUri(redirectUri: string, params: ReadonlyArray<[string, string]>): string {
  const withoutFragment = redirectUri.split('#', 1)[0] ?? '';
  const query = params.map(([key, value]) => `${key}=${encodeQueryValue(value)}`).join('&');
  const separator = !withoutFragment.includes('?') ? '?' : /[?&]$/.test(withoutFragment) ? '' : '&';
  return `${withoutFragment}${separator}${query}`;
}

function encodeQueryValue(value: string): string {
  return encodeURIComponent(value).replace(/%2C/g, ',').replace(/%3A/g, ':');
}

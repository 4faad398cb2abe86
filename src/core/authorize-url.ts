import { STRAVA_OAUTH_BASE_URL, joinUrl } from './endpoints.ts';
import { randomToken } from './random.ts';
import { formatScopes, normalizeScopes, parseScopes, type Scope } from './scopes.ts';

/** Options of {@link buildAuthorizationUrl}. */
export interface AuthorizationUrlOptions {
  clientId: string | number;
  redirectUri: string;
  /** Scopes to ask for; strings are parsed with {@link parseScopes}. Default: `read`. */
  scopes?: readonly Scope[] | string;
  /** `force` always shows the consent page (needed to add scopes); `auto` (default) may skip it. */
  approvalPrompt?: 'auto' | 'force';
  /** A state you generated; by default a fresh 256-bit one is made. Never empty. */
  state?: string;
  /** `mobile` uses Strava's mobile authorize page (`/oauth/mobile/authorize`). */
  variant?: 'web' | 'mobile';
  /** Where Strava lives; point it at the emulator or your own test double. */
  baseUrl?: string;
}

/** An authorize URL and the state it carries (keep the state to check the callback). */
export interface AuthorizationUrl {
  url: URL;
  state: string;
  scopes: Scope[];
}

/**
 * Builds the URL that sends the athlete to Strava's consent page. A state is always included.
 *
 * @example
 * const { url, state } = buildAuthorizationUrl({ clientId: 12345, redirectUri: 'http://localhost:8080/cb', scopes: 'activity:write' });
 */
export function buildAuthorizationUrl(options: AuthorizationUrlOptions): AuthorizationUrl {
  const parsed = typeof options.scopes === 'string' ? parseScopes(options.scopes) : normalizeScopes(options.scopes ?? []);
  // Strava grants read whatever is asked; asking for nothing means asking for read.
  const scopes: Scope[] = parsed.length > 0 ? parsed : ['read'];
  const state = options.state ?? randomToken();
  if (state.length === 0) throw new TypeError('state must not be empty: it is what protects the callback from forgery');
  const path = options.variant === 'mobile' ? '/oauth/mobile/authorize' : '/oauth/authorize';
  const url = new URL(joinUrl(options.baseUrl ?? STRAVA_OAUTH_BASE_URL, path));
  url.searchParams.set('client_id', String(options.clientId));
  url.searchParams.set('redirect_uri', options.redirectUri);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('approval_prompt', options.approvalPrompt ?? 'auto');
  url.searchParams.set('scope', formatScopes(scopes));
  url.searchParams.set('state', state);
  return { url, state, scopes };
}

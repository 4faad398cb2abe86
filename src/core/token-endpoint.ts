import { systemClock, type Clock } from './clock.ts';
import { STRAVA_OAUTH_BASE_URL, joinUrl } from './endpoints.ts';
import { defaultFetch, send, type FetchLike } from './http.ts';
import { Redactor } from './redactor.ts';
import { limitsOf, limitsWithin } from './request-limits.ts';
import { DEFAULT_RETRY, withRetry, type RetryPolicy, type Sleep } from './retry.ts';
import type { Scope } from './scopes.ts';
import { isTransientError } from './transient-error.ts';
import { parseTokenResponse } from './token-response.ts';
import type { AthleteSummary, TokenSet } from './token-set.ts';

/** Your Strava API application, and how to reach Strava. */
export interface OAuthConfig {
  clientId: string | number;
  clientSecret: string;
  /** Where Strava's OAuth endpoints live (default https://www.strava.com); the emulator's URL in tests. */
  baseUrl?: string;
  fetch?: FetchLike;
  clock?: Clock;
  /**
   * The command (or page) that logs the athlete in again, quoted by errors whose remedy is a new
   * authorization (the CLI sets `strava-auth login`). Unset, they say in neutral words to ask the
   * athlete to authorize the app again.
   */
  loginCommand?: string;
  /** Retries for revocation on network errors and 5xx (protocol: "503 may be retried"). */
  retry?: RetryPolicy;
  sleep?: Sleep;
  /** Bound of one request, connect to last byte (default 30 s): `RequestTimeoutError` after it. */
  requestTimeoutMs?: number;
  /** Cap of a response body (default 8 MiB): `ResponseTooLargeError` past it. */
  maxResponseBytes?: number;
}

function resolve(config: OAuthConfig) {
  return {
    base: config.baseUrl ?? STRAVA_OAUTH_BASE_URL,
    fetch: config.fetch ?? defaultFetch,
    clock: config.clock ?? systemClock,
    limits: limitsOf(config),
  } satisfies { base: string; fetch: FetchLike; clock: Clock; limits: object };
}

/** `params` are the grant's own (the code or the refresh token): secrets, like the client secret. */
async function postTokenEndpoint(config: OAuthConfig, grantType: string, params: Record<string, string>) {
  const { base, fetch, clock, limits } = resolve(config);
  // Strava wants the client credentials in the body; HTTP Basic is not honoured on /oauth/token.
  const body = new URLSearchParams({ client_id: String(config.clientId), client_secret: config.clientSecret, grant_type: grantType, ...params });
  const redactor = new Redactor([config.clientSecret, ...Object.values(params)]);
  return send(
    fetch,
    new URL(joinUrl(base, '/oauth/token')),
    { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body },
    { endpoint: 'POST /oauth/token', clock, limits, redactor, ...(config.loginCommand ? { loginCommand: config.loginCommand } : {}) },
  );
}

/**
 * Exchanges an authorization code for tokens. `scopes` are the ones the callback reported as
 * granted: Strava's token response does not repeat them, and they travel with the token set.
 *
 * @example
 * const { code, scopes } = request.complete(callbackUrl);
 * const tokens = await exchangeCode(config, code, { scopes });
 */
export async function exchangeCode(config: OAuthConfig, code: string, options: { scopes: readonly Scope[] }): Promise<TokenSet> {
  const response = await postTokenEndpoint(config, 'authorization_code', { code });
  return parseTokenResponse(response.status, response.text, { scopes: options.scopes, clock: resolve(config).clock });
}

/**
 * Refreshes a token set. The result may hold a new refresh token, in which case the old one is
 * already dead at Strava: persist the result before using it. Not retried here: a retry after a
 * lost response would send a refresh token that may have just been rotated (the token manager
 * decides when retrying is safe).
 */
export async function refreshTokens(
  config: OAuthConfig,
  current: TokenSet | { refreshToken: string; scopes: readonly Scope[]; athlete?: AthleteSummary },
): Promise<TokenSet> {
  const response = await postTokenEndpoint(config, 'refresh_token', { refresh_token: current.refreshToken });
  return parseTokenResponse(response.status, response.text, {
    scopes: current.scopes,
    athlete: current.athlete,
    clock: resolve(config).clock,
  });
}

/**
 * Revokes a token at Strava (`POST /oauth/revoke`, HTTP Basic). Revoking either token revokes the
 * other. Strava answers 200 even for unknown or expired tokens, so this succeeds for them too.
 * Network errors, timeouts and 5xx are retried, all within the retry policy's budget (60 s).
 */
export async function revokeToken(
  config: OAuthConfig,
  token: string,
  hint?: 'access_token' | 'refresh_token',
): Promise<void> {
  const { base, fetch, clock, limits } = resolve(config);
  const body = new URLSearchParams({ token });
  if (hint) body.set('token_type_hint', hint);
  const basic = btoa(`${config.clientId}:${config.clientSecret}`);
  const redactor = new Redactor([token]).addBasic(config.clientId, config.clientSecret);
  await withRetry(
    (_attempt, remainingMs) =>
      send(
        fetch,
        new URL(joinUrl(base, '/oauth/revoke')),
        {
          method: 'POST',
          headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body,
        },
        { endpoint: 'POST /oauth/revoke', clock, limits: limitsWithin(limits, remainingMs), redactor },
      ),
    { policy: config.retry ?? DEFAULT_RETRY, shouldRetry: isTransientError, sleep: config.sleep, clock },
  );
}

/**
 * The legacy way to end access (`POST /oauth/deauthorize`, retired 2027-06-01): invalidates every
 * token the app holds for the athlete. The token travels in the Authorization header, never the URL.
 */
export async function deauthorize(
  config: Pick<OAuthConfig, 'baseUrl' | 'fetch' | 'clock' | 'requestTimeoutMs' | 'maxResponseBytes'>,
  accessToken: string,
): Promise<void> {
  const { base, fetch, clock, limits } = resolve(config as OAuthConfig);
  await send(
    fetch,
    new URL(joinUrl(base, '/oauth/deauthorize')),
    { method: 'POST', headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' } },
    { endpoint: 'POST /oauth/deauthorize', clock, limits, redactor: new Redactor([accessToken]) },
  );
}

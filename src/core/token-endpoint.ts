/**
 * The token endpoint's four steps, each a pair after oauth4webapi: `buildXRequest` makes the
 * web-standard `Request` (pure: no I/O, no clock), `processXResponse` reads the answer, already
 * fetched and read, into a typed result or the typed error of its shape (pure too). The plain
 * functions (`exchangeCode`, `refreshTokens`, `revokeToken`, `deauthorize`) are build, send with
 * the injected fetch through `fetchBounded` (deadline, size cap), process.
 */
import { systemClock, type Clock } from './clock.ts';
import { STRAVA_OAUTH_BASE_URL, joinUrl } from './endpoints.ts';
import { assertOk } from './error-response.ts';
import { markFreshAuthorization } from './fresh-authorization.ts';
import { defaultFetch, fetchRequest, newRequest, type FetchLike, type ReadResponse } from './http.ts';
import { Redactor } from './redactor.ts';
import { limitsOf, limitsWithin, type RequestLimits } from './request-limits.ts';
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

const TOKEN_PATH = '/oauth/token';
const REVOKE_PATH = '/oauth/revoke';
const DEAUTHORIZE_PATH = '/oauth/deauthorize';

/** What a process step is told about its request: the secrets a server echoing it must not get into an error. */
export interface StepSecrets {
  /** Secrets the request carried (the code, a token), kept out of an error's text. */
  secrets?: readonly (string | undefined)[];
}

/** How a token endpoint answer is read: what the caller knows besides the body. */
export interface TokenResponseOptions extends StepSecrets {
  /** Scopes granted at login (from the callback): Strava's token responses do not list them. */
  scopes: readonly Scope[];
  /** The athlete of the set being refreshed: refresh responses carry none. */
  athlete?: AthleteSummary | undefined;
}

function baseOf(config: Pick<OAuthConfig, 'baseUrl'>): string {
  return config.baseUrl ?? STRAVA_OAUTH_BASE_URL;
}

function clockOf(config: Pick<OAuthConfig, 'clock'>): Clock {
  return config.clock ?? systemClock;
}

function loginOf(config: Pick<OAuthConfig, 'loginCommand'>): { loginCommand?: string } {
  return config.loginCommand ? { loginCommand: config.loginCommand } : {};
}

/** Every secret of a token endpoint request: the client secret (body and Basic forms) and the grant's own. */
function redactorOf(config: Partial<Pick<OAuthConfig, 'clientId' | 'clientSecret'>>, secrets: readonly (string | undefined)[] = []): Redactor {
  const redactor = new Redactor([config.clientSecret, ...secrets]);
  return config.clientId !== undefined && config.clientSecret !== undefined ? redactor.addBasic(config.clientId, config.clientSecret) : redactor;
}

/** Strava wants the client credentials in the body; HTTP Basic is not honoured on /oauth/token. */
function tokenRequest(config: OAuthConfig, grantType: string, params: Record<string, string>): Request {
  const body = new URLSearchParams({ client_id: String(config.clientId), client_secret: config.clientSecret, grant_type: grantType, ...params });
  return newRequest(new URL(joinUrl(baseOf(config), TOKEN_PATH)), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body,
  });
}

function processTokenResponse(config: OAuthConfig, response: ReadResponse, options: TokenResponseOptions): TokenSet {
  const clock = clockOf(config);
  assertOk(response, { endpoint: `POST ${TOKEN_PATH}`, clock, redactor: redactorOf(config, options.secrets), ...loginOf(config) });
  return parseTokenResponse(response.status, response.text, { scopes: options.scopes, athlete: options.athlete, clock });
}

/**
 * `POST /oauth/token` with `grant_type=authorization_code`.
 *
 * @example
 * // Sending it your own way, then reading the answer:
 * const response = await myFetch(buildCodeExchangeRequest(config, code));
 * const read = { status: response.status, headers: response.headers, text: await response.text() };
 * const tokens = processCodeExchangeResponse(config, read, { scopes, secrets: [code] });
 */
export function buildCodeExchangeRequest(config: OAuthConfig, code: string): Request {
  return tokenRequest(config, 'authorization_code', { code });
}

/**
 * Reads a code exchange's answer: the {@link TokenSet} (its scopes are `options.scopes`, the ones
 * the callback reported), or `InvalidCodeError`, `InvalidClientError`, `RateLimitError`... The set
 * is marked as a fresh authorization (`isFreshAuthorization`), so a token manager's
 * `importTokens` stores it in place of older tokens.
 */
export function processCodeExchangeResponse(config: OAuthConfig, response: ReadResponse, options: TokenResponseOptions): TokenSet {
  return markFreshAuthorization(processTokenResponse(config, response, options));
}

/** `POST /oauth/token` with `grant_type=refresh_token`. */
export function buildRefreshRequest(config: OAuthConfig, refreshToken: string): Request {
  return tokenRequest(config, 'refresh_token', { refresh_token: refreshToken });
}

/** Reads a refresh's answer: the new {@link TokenSet} (scopes and athlete carried over), or `InvalidRefreshTokenError`... */
export function processRefreshResponse(config: OAuthConfig, response: ReadResponse, options: TokenResponseOptions): TokenSet {
  return processTokenResponse(config, response, options);
}

/** `POST /oauth/revoke` with HTTP Basic client authentication (the only endpoint that wants it). */
export function buildRevokeRequest(config: OAuthConfig, token: string, hint?: 'access_token' | 'refresh_token'): Request {
  const body = new URLSearchParams({ token });
  if (hint) body.set('token_type_hint', hint);
  const basic = btoa(`${config.clientId}:${config.clientSecret}`);
  return newRequest(new URL(joinUrl(baseOf(config), REVOKE_PATH)), {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body,
  });
}

/** Reads a revocation's answer: nothing on 2xx (Strava answers 200 for unknown tokens too), else the typed error. */
export function processRevokeResponse(config: OAuthConfig, response: ReadResponse, options: StepSecrets = {}): void {
  assertOk(response, { endpoint: `POST ${REVOKE_PATH}`, clock: clockOf(config), redactor: redactorOf(config, options.secrets) });
}

/** `POST /oauth/deauthorize`: the token in the Authorization header, never the URL. */
export function buildDeauthorizeRequest(config: Pick<OAuthConfig, 'baseUrl'>, accessToken: string): Request {
  return newRequest(new URL(joinUrl(baseOf(config), DEAUTHORIZE_PATH)), {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
  });
}

/** Reads a deauthorization's answer: nothing on 2xx, else the typed error (`InvalidAccessTokenError`...). */
export function processDeauthorizeResponse(config: Pick<OAuthConfig, 'clock'>, response: ReadResponse, options: StepSecrets = {}): void {
  assertOk(response, { endpoint: `POST ${DEAUTHORIZE_PATH}`, clock: clockOf(config), redactor: redactorOf({}, options.secrets) });
}

type SendConfig = Pick<OAuthConfig, 'fetch' | 'requestTimeoutMs' | 'maxResponseBytes'>;

/** The send step: the injected fetch (or the runtime's) through fetchBounded. */
function sendStep(config: SendConfig, request: Request, path: string, redactor: Redactor, limits: Partial<RequestLimits> = limitsOf(config)): Promise<ReadResponse> {
  const endpoint = `POST ${path}`;
  return fetchRequest(config.fetch ?? defaultFetch, request, { endpoint, limits, redactor });
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
  const request = buildCodeExchangeRequest(config, code);
  const response = await sendStep(config, request, TOKEN_PATH, redactorOf(config, [code]));
  return processCodeExchangeResponse(config, response, { scopes: options.scopes, secrets: [code] });
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
  const request = buildRefreshRequest(config, current.refreshToken);
  const response = await sendStep(config, request, TOKEN_PATH, redactorOf(config, [current.refreshToken]));
  return processRefreshResponse(config, response, { scopes: current.scopes, athlete: current.athlete, secrets: [current.refreshToken] });
}

/**
 * Revokes a token at Strava (`POST /oauth/revoke`, HTTP Basic). Revoking either token revokes the
 * other. Strava answers 200 even for unknown or expired tokens, so this succeeds for them too.
 * Network errors, timeouts and 5xx are retried, all within the retry policy's budget (60 s).
 */
export async function revokeToken(config: OAuthConfig, token: string, hint?: 'access_token' | 'refresh_token'): Promise<void> {
  const limits = limitsOf(config);
  const redactor = redactorOf(config, [token]);
  await withRetry(
    async (_attempt, remainingMs) => {
      // Built anew each attempt: a Request's body is read once.
      const response = await sendStep(config, buildRevokeRequest(config, token, hint), REVOKE_PATH, redactor, limitsWithin(limits, remainingMs));
      processRevokeResponse(config, response, { secrets: [token] });
    },
    { policy: config.retry ?? DEFAULT_RETRY, shouldRetry: isTransientError, sleep: config.sleep, clock: clockOf(config) },
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
  const response = await sendStep(config, buildDeauthorizeRequest(config, accessToken), DEAUTHORIZE_PATH, new Redactor([accessToken]));
  processDeauthorizeResponse(config, response, { secrets: [accessToken] });
}

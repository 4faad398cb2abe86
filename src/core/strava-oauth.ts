import { AuthorizationRequest, type PendingLogin, type RestoreOptions } from './authorization-request.ts';
import { InvalidPendingLoginError } from './errors/invalid-pending-login-error.ts';
import type { AuthorizationUrlOptions } from './authorize-url.ts';
import { REDACTED } from './redactor.ts';
import type { Scope } from './scopes.ts';
import { deauthorize, exchangeCode, refreshTokens, revokeToken, type OAuthConfig } from './token-endpoint.ts';
import type { TokenSet } from './token-set.ts';

/** {@link OAuthConfig} plus the redirect URI your app registered. */
export interface StravaOAuthConfig extends OAuthConfig {
  redirectUri: string;
}

/**
 * Strava OAuth for one application, every step in one place.
 *
 * @example
 * const oauth = new StravaOAuth({ clientId, clientSecret, redirectUri: 'http://localhost:8080/callback' });
 * const request = oauth.authorize({ scopes: 'activity:read_all,activity:write' });
 * // send the browser to request.url; on the callback:
 * const tokens = await oauth.finish(request, callbackUrl);
 *
 * // Several processes: store the pending login server-side, finish it wherever the callback lands.
 * await pendingLogins.put(request.state, request.serialize());
 * const tokens = await oauth.finish(await pendingLogins.take(stateFromCallback), callbackUrl);
 */
export class StravaOAuth {
  readonly config: Readonly<StravaOAuthConfig>;

  constructor(config: StravaOAuthConfig) {
    this.config = Object.freeze({ ...config });
  }

  /** Starts a login: the authorize URL with a fresh state, to be completed once. */
  authorize(options: Omit<AuthorizationUrlOptions, 'clientId' | 'redirectUri' | 'baseUrl'> = {}): AuthorizationRequest {
    return AuthorizationRequest.create(
      {
        ...options,
        clientId: this.config.clientId,
        redirectUri: this.config.redirectUri,
        ...(this.config.baseUrl ? { baseUrl: this.config.baseUrl } : {}),
      },
      { clock: this.config.clock },
    );
  }

  /**
   * A login started elsewhere (another process, replica or request), from the record its
   * `serialize()` returned (see {@link AuthorizationRequest.restore}: refused when completed,
   * older than `maxAgeMs` or made for another app or redirect URI).
   */
  restore(record: PendingLogin | string, options: Omit<RestoreOptions, 'clock'> = {}): AuthorizationRequest {
    const request = AuthorizationRequest.restore(record, { ...options, clock: this.config.clock });
    if (request.redirectUri !== this.config.redirectUri) throw new InvalidPendingLoginError('it was made for another redirect URI');
    if (request.url.searchParams.get('client_id') !== String(this.config.clientId)) throw new InvalidPendingLoginError('it was made for another app (client id)');
    return request;
  }

  /**
   * Checks the callback against the request (state, denial) and exchanges the code. Unticked
   * scopes are not an error here: the token set holds what was granted; compare with
   * `tokens.hasScopes(...)` or the result of `request.complete` to explain what is missing.
   * `request` may be a stored {@link PendingLogin} record (see {@link restore}). The tokens are a
   * fresh authorization: `manager.importTokens(tokens)` stores them in place of older ones.
   */
  async finish(request: AuthorizationRequest | PendingLogin | string, callback: string | URL | URLSearchParams): Promise<TokenSet> {
    const pending = request instanceof AuthorizationRequest ? request : this.restore(request);
    const { code, scopes } = pending.complete(callback);
    return this.exchangeCode(code, scopes);
  }

  /** Exchanges a code (see {@link exchangeCode}). */
  exchangeCode(code: string, grantedScopes: readonly Scope[]): Promise<TokenSet> {
    return exchangeCode(this.config, code, { scopes: grantedScopes });
  }

  /** Refreshes (see {@link refreshTokens}); persist the result before using it. */
  refresh(tokens: TokenSet): Promise<TokenSet> {
    return refreshTokens(this.config, tokens);
  }

  /** Revokes access at Strava (both tokens of the grant). */
  revoke(tokens: TokenSet | string): Promise<void> {
    return typeof tokens === 'string' ? revokeToken(this.config, tokens) : revokeToken(this.config, tokens.refreshToken, 'refresh_token');
  }

  /** The legacy deauthorization (retired 2027-06-01). */
  deauthorize(tokens: TokenSet | string): Promise<void> {
    return deauthorize(this.config, typeof tokens === 'string' ? tokens : tokens.accessToken);
  }

  /** The client secret is left out. */
  toJSON(): Record<string, unknown> {
    return { clientId: this.config.clientId, clientSecret: REDACTED, redirectUri: this.config.redirectUri, baseUrl: this.config.baseUrl };
  }
}

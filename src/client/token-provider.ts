/**
 * Where the client's access tokens come from: a {@link TokenProvider} (strava-auth's
 * `TokenManager`, or anything shaped like it), or a bare access token string. The client never
 * sends a token it knows has expired, and asks for a new one at most once per request after
 * Strava refused one.
 */
import type { Clock } from '../core/clock.ts';
import { parseScopes, type Scope } from '../core/scopes.ts';
import { TokenExpiredError } from './errors/token-expired-error.ts';

/** The parts of a token set the client reads (strava-auth's `TokenSet` has them all). */
export interface ProvidedTokens {
  readonly accessToken: string;
  /** Granted scopes. Empty means "not known" (tokens imported without their scopes). */
  readonly scopes: readonly Scope[];
  /** Unix seconds. */
  readonly expiresAt: number;
  readonly athlete?: { readonly id: number } | undefined;
}

/**
 * Hands out access tokens: strava-auth's `TokenManager` fits, and so does any object with these
 * two methods (a token service client, a test double).
 */
export interface TokenProvider {
  /** A current token set, refreshed first when it is about to expire. */
  getTokenSet(): Promise<ProvidedTokens>;
  /** A new token set; `force` refreshes even when the current one looks valid. */
  refresh(options?: { force?: boolean }): Promise<ProvidedTokens>;
}

/** The token for one request, and what the client knows about it. */
export interface RequestToken {
  accessToken: string;
  /** Undefined when the scopes are not known: preflight is then skipped and Strava decides. */
  scopes: readonly Scope[] | undefined;
  athleteId: number | undefined;
}

/** The client's view of its tokens. */
export class TokenSource {
  readonly #provider: TokenProvider | undefined;
  readonly #fixed: RequestToken | undefined;
  readonly #clock: Clock;

  /** `scopes` declares what a bare token was granted, so preflight can check it. */
  constructor(tokens: TokenProvider | string, clock: Clock, scopes?: string | readonly string[]) {
    this.#clock = clock;
    if (typeof tokens === 'string') {
      if (tokens === '') throw new TypeError('The access token is empty.');
      this.#fixed = { accessToken: tokens, scopes: scopes === undefined ? undefined : parseScopes(scopes), athleteId: undefined };
    } else {
      this.#provider = tokens;
    }
  }

  /** Whether a refused token can be replaced (a provider can refresh; a bare token cannot). */
  get canRefresh(): boolean {
    return this.#provider !== undefined;
  }

  /** The token to send now; never one the provider itself says has expired. */
  async current(): Promise<RequestToken> {
    if (this.#fixed) return this.#fixed;
    const provider = this.#provider!;
    let tokens = await provider.getTokenSet();
    if (this.#expired(tokens)) tokens = await provider.refresh({ force: true });
    if (this.#expired(tokens)) throw new TokenExpiredError(tokens.expiresAt);
    return toRequestToken(tokens);
  }

  /**
   * A replacement for `rejected`, which Strava refused as invalid. If another request already
   * refreshed (the provider now holds a different token), that one is used without a second
   * refresh; otherwise the provider is forced to refresh.
   */
  async renew(rejected: RequestToken): Promise<RequestToken> {
    const provider = this.#provider;
    if (!provider) throw new Error('A bare access token cannot be renewed.');
    const latest = await provider.getTokenSet();
    const tokens = latest.accessToken !== rejected.accessToken && !this.#expired(latest) ? latest : await provider.refresh({ force: true });
    if (this.#expired(tokens)) throw new TokenExpiredError(tokens.expiresAt);
    return toRequestToken(tokens);
  }

  #expired(tokens: ProvidedTokens): boolean {
    return tokens.expiresAt * 1000 <= this.#clock.now();
  }
}

function toRequestToken(tokens: ProvidedTokens): RequestToken {
  return {
    accessToken: tokens.accessToken,
    // Every real login grants at least `read`; an empty list means the scopes were never recorded.
    scopes: tokens.scopes.length > 0 ? tokens.scopes : undefined,
    athleteId: tokens.athlete?.id,
  };
}

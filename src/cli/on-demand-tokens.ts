import type { TokenProvider } from '../client/token-provider.ts';
import type { Clock } from '../core/clock.ts';
import { TokenSet } from '../core/token-set.ts';
import { NotLoggedInError } from '../tokens/errors/not-logged-in-error.ts';
import { DEFAULT_MARGIN_SECONDS } from '../tokens/margin.ts';
import type { TokenManager } from '../tokens/token-manager.ts';
import type { TokenStore } from '../tokens/token-store.ts';

export interface OnDemandTokensOptions {
  store: TokenStore;
  key: string;
  clock: Clock;
  /** For the not-logged-in error. */
  loginCommand: string;
  /** Builds the manager that refreshes (and so needs the client secret). */
  manager: () => Promise<TokenManager>;
}

/**
 * A profile's tokens for commands that only use them (`api`, `upload`, `token`): a stored token
 * with more than the margin left is used as it is, and the {@link TokenManager} (which needs the
 * client secret) is built only when a refresh is due. So a login made with exported variables
 * keeps working in a new shell until the token expires; only then is the secret asked for.
 */
export class OnDemandTokens implements TokenProvider {
  readonly #options: OnDemandTokensOptions;
  #manager: Promise<TokenManager> | undefined;

  constructor(options: OnDemandTokensOptions) {
    this.#options = options;
  }

  /** The manager, built once (resolving the client secret), for a refresh or a dead login's typed error. */
  manager(): Promise<TokenManager> {
    this.#manager ??= this.#options.manager();
    return this.#manager;
  }

  async getTokenSet(): Promise<TokenSet> {
    const { store, key, clock, loginCommand } = this.#options;
    const record = await store.get(key);
    if (!record) throw new NotLoggedInError(key, { loginCommand });
    const tokens = TokenSet.fromData(record.tokens);
    if (!record.invalid && !tokens.isExpired(clock, DEFAULT_MARGIN_SECONDS)) return tokens;
    return (await this.manager()).getTokenSet();
  }

  async getAccessToken(): Promise<string> {
    return (await this.getTokenSet()).accessToken;
  }

  async refresh(options: { force?: boolean } = {}): Promise<TokenSet> {
    return (await this.manager()).refresh(options);
  }
}

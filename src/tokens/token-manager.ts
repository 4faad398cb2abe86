import { systemClock, type Clock } from '../core/clock.ts';
import { InvalidRefreshTokenError } from '../core/errors/invalid-refresh-token-error.ts';
import { DEFAULT_REQUEST_TIMEOUT_MS, limitsWithin } from '../core/request-limits.ts';
import { DEFAULT_RETRY, withRetry, type RetryPolicy, type Sleep } from '../core/retry.ts';
import { isFreshAuthorization } from '../core/fresh-authorization.ts';
import { missingScopes, parseScopes } from '../core/scopes.ts';
import { refreshTokens, type OAuthConfig } from '../core/token-endpoint.ts';
import { isTransientError } from '../core/transient-error.ts';
import { TokenSet, type AthleteSummary, type TokenSetData } from '../core/token-set.ts';
import { NotLoggedInError } from './errors/not-logged-in-error.ts';
import { DEFAULT_MARGIN_SECONDS } from './margin.ts';
import { MemoryStore } from './memory-store.ts';
import { RefreshHookError } from './errors/refresh-hook-error.ts';
import { ScopesNotImportedError } from './errors/scopes-not-imported-error.ts';
import { TokensNotSavedError } from './errors/tokens-not-saved-error.ts';
import { assertTokenKey } from './stored-tokens.ts';
import type { InvalidMark, LockedTokens, StoredTokens, TokenStore } from './token-store.ts';

export { DEFAULT_MARGIN_SECONDS };

/**
 * Strava hands back the same access token while it has more than an hour left (protocol section
 * 2), so a margin of an hour or more would make every call refresh without getting a fresher token.
 */
const MAX_MARGIN_SECONDS = 3_600;

/** What the `onRefresh` hook is told besides the new tokens. */
export interface RefreshContext {
  key: string;
  /** The set that was refreshed (its refresh token may now be dead). */
  previous: TokenSet;
}

/**
 * Called with every token set the manager obtains from Strava, after it is saved in the store and
 * before any caller receives it; runs while the key's lock is held, so hooks see refreshes in the
 * order they happened, across processes too. For apps that keep tokens in their own database as
 * well (stravalib's `token_refresh_callback`, done safely). If it throws, the callers of that
 * refresh get a `RefreshHookError`; the tokens are already in the store either way.
 */
export type RefreshHook = (tokens: TokenSet, context: RefreshContext) => void | Promise<void>;

/** Options of {@link TokenManager}. */
export interface TokenManagerOptions {
  store: TokenStore;
  /** Which record of the store: a profile name (`default`) or an athlete id. */
  key: string;
  /** Your Strava app (its config, or the `StravaOAuth` itself); `baseUrl` points at the emulator in tests. */
  oauth: OAuthConfig | { readonly config: Readonly<OAuthConfig> };
  /** Default `oauth.clock`, else the system clock. */
  clock?: Clock;
  /** Seconds of validity every returned access token has at least (default 300, below 3600). */
  marginSeconds?: number;
  onRefresh?: RefreshHook;
  /** Retries of network errors and 5xx during a refresh (default `oauth.retry`, else three within 60 s). */
  retry?: RetryPolicy;
  /** Waits between retries (default `oauth.sleep`, else a real timer). */
  sleep?: Sleep;
  /**
   * Bound of one token request (default `oauth.requestTimeoutMs`, else 30 s), so a hung connection
   * cannot hold the lock for long; a timed-out request is a `RequestTimeoutError`, retried within
   * the retry budget.
   */
  requestTimeoutMs?: number;
  /** How long to wait for another process's refresh (default: the store's lock timeout). */
  lockTimeoutMs?: number;
}

/**
 * Tokens obtained elsewhere: a {@link TokenSet}, strava-auth's plain data, or Strava's own JSON
 * (what stravalib and strava-v3 users keep: `access_token`, `refresh_token`, `expires_at`).
 * Pass the scopes granted at login when you know them: Strava's token responses do not list them.
 */
export type ImportableTokens =
  | TokenSet
  | {
      accessToken: string;
      refreshToken: string;
      /** Unix seconds. */
      expiresAt: number;
      scopes?: string | readonly string[];
      athlete?: AthleteSummary;
    }
  | {
      access_token: string;
      refresh_token: string;
      /** Unix seconds. */
      expires_at: number;
      scope?: string | readonly string[];
      athlete?: AthleteSummary;
    };

/**
 * Options of {@link TokenManager.importTokens}. The rules, so that no grant is lost silently:
 *
 * - Tokens straight from a code exchange (`oauth.finish`, `exchangeCode`: see
 *   `isFreshAuthorization`) replace whatever is stored: the athlete just authorized again,
 *   perhaps with other scopes.
 * - Any other tokens (a seed from a config file, an environment variable, stravalib or strava-v3)
 *   are stored only when the key holds no usable tokens. Stored tokens that are still usable win:
 *   a seed read at every start must not replace the newer tokens a refresh rotated in (the seed's
 *   refresh token is dead by then). If the kept tokens lack a scope the given ones grant,
 *   nothing is stored and `ScopesNotImportedError` is thrown.
 * - `replace: true` always stores the given tokens; `replace: false` treats even fresh ones as a seed.
 */
export interface ImportOptions {
  /** Overwrite (true) or keep (false) usable stored tokens; by default only fresh authorizations overwrite. */
  replace?: boolean;
}

/** Options of {@link TokenManager.fromTokens}: the manager's, with the store optional. */
export type FromTokensOptions = Omit<TokenManagerOptions, 'store' | 'key'> &
  ImportOptions & {
    tokens: ImportableTokens;
    /**
     * Where the tokens live from now on. May be left out only with an `onRefresh` hook (a
     * `MemoryStore` is used then): otherwise the first rotated refresh token would die with the
     * process, and the next start would import a dead one.
     */
    store?: TokenStore;
    /** Default `default`. */
    key?: string;
  };

type LockedOutcome =
  | { kind: 'missing' }
  | { kind: 'invalid'; mark: InvalidMark }
  | { kind: 'rejected'; error: InvalidRefreshTokenError }
  | { kind: 'current'; tokens: TokenSet }
  | { kind: 'refreshed'; tokens: TokenSet; hookError?: unknown }
  | { kind: 'unsaved'; error: unknown };

/** Turns any {@link ImportableTokens} into validated plain data. */
export function importableToData(tokens: ImportableTokens): TokenSetData {
  if (tokens instanceof TokenSet) return tokens.toData();
  const strava = 'access_token' in tokens;
  const scopes = strava ? tokens.scope : tokens.scopes;
  const data: TokenSetData = {
    accessToken: strava ? tokens.access_token : tokens.accessToken,
    refreshToken: strava ? tokens.refresh_token : tokens.refreshToken,
    expiresAt: strava ? tokens.expires_at : tokens.expiresAt,
    // Unknown scopes are stored as none: `read` is implied anyway (it is always granted).
    scopes: scopes === undefined ? [] : parseScopes(scopes),
  };
  if (tokens.athlete) data.athlete = tokens.athlete;
  return TokenSet.fromData(data).toData();
}

/**
 * Hands out access tokens for one key of a {@link TokenStore}, refreshing them when (and only
 * when) needed, so that no rotated refresh token is ever lost:
 *
 * - every returned access token is valid for at least `marginSeconds`;
 * - concurrent callers in one process share one refresh, and the store's lock serializes
 *   processes: whoever gets the lock after another process refreshed uses the stored result;
 * - a new token set is saved in the store before any caller (or the `onRefresh` hook) sees it;
 * - a refresh token Strava rejects marks the record invalid (the tokens are kept) and every call
 *   throws `InvalidRefreshTokenError` without asking Strava again, until new tokens are stored;
 * - network errors and 5xx are retried with backoff; 429 surfaces as `RateLimitError`.
 *
 * Runtime-agnostic: the store, fetch, clock and sleep are injected.
 *
 * @example
 * const manager = new TokenManager({ store: new FileStore(), key: 'default', oauth: { clientId, clientSecret } });
 * const accessToken = await manager.getAccessToken();
 */
export class TokenManager {
  readonly store: TokenStore;
  readonly key: string;
  readonly marginSeconds: number;
  readonly #oauth: OAuthConfig;
  readonly #clock: Clock;
  readonly #onRefresh: RefreshHook | undefined;
  readonly #retry: RetryPolicy;
  readonly #sleep: Sleep | undefined;
  readonly #lockTimeoutMs: number | undefined;
  /** The refresh this instance is running, shared by every caller that needs one meanwhile. */
  #flight: { force: boolean; promise: Promise<TokenSet> } | undefined;
  /** A set Strava issued that the store failed to save, and the set it replaces; saved first next time. */
  #unsaved: { tokens: TokenSet; previous: TokenSet } | undefined;

  constructor(options: TokenManagerOptions) {
    assertTokenKey(options.key);
    const margin = options.marginSeconds ?? DEFAULT_MARGIN_SECONDS;
    if (!(margin >= 0 && margin < MAX_MARGIN_SECONDS)) {
      throw new RangeError(
        `marginSeconds must be at least 0 and below ${MAX_MARGIN_SECONDS}: Strava returns the same access token while it has more than an hour left, so a larger margin would refresh on every call.`,
      );
    }
    this.store = options.store;
    this.key = options.key;
    this.marginSeconds = margin;
    const oauth: Readonly<OAuthConfig> = 'config' in options.oauth ? options.oauth.config : options.oauth;
    this.#clock = options.clock ?? oauth.clock ?? systemClock;
    this.#oauth = {
      ...oauth,
      clock: this.#clock,
      requestTimeoutMs: options.requestTimeoutMs ?? oauth.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    };
    this.#onRefresh = options.onRefresh;
    this.#retry = options.retry ?? oauth.retry ?? DEFAULT_RETRY;
    this.#sleep = options.sleep ?? oauth.sleep;
    this.#lockTimeoutMs = options.lockTimeoutMs;
  }

  /**
   * Migrates tokens obtained elsewhere in one line: stores them under `key` (default `default`)
   * by the rules of {@link ImportOptions} (a seed never replaces newer stored tokens, nor loses
   * scopes silently), and returns a manager for them.
   *
   * @example
   * // stravalib / strava-v3 style tokens, kept in your own database through the hook:
   * const manager = await TokenManager.fromTokens({
   *   oauth: { clientId, clientSecret }, // or a StravaOAuth
   *   tokens: { access_token, refresh_token, expires_at },
   *   onRefresh: (tokens) => db.saveTokens(tokens.toData()),
   * });
   */
  static async fromTokens(options: FromTokensOptions): Promise<TokenManager> {
    const { tokens, replace, key = 'default', store, ...rest } = options;
    if (!store && !rest.onRefresh) {
      throw new TypeError(
        'TokenManager.fromTokens needs a store or an onRefresh hook: Strava may rotate the refresh token on the first refresh, and a token kept nowhere is lost when the process ends.',
      );
    }
    const manager = new TokenManager({ ...rest, key, store: store ?? new MemoryStore() });
    await manager.importTokens(tokens, replace === undefined ? {} : { replace });
    return manager;
  }

  /**
   * Whether dropping this instance loses nothing: no refresh under way, and no tokens from
   * Strava waiting to be saved (a store that failed to save them keeps them only here).
   */
  get idle(): boolean {
    return this.#flight === undefined && this.#unsaved === undefined;
  }

  /** An access token valid for at least `marginSeconds`, refreshed first if needed. */
  async getAccessToken(): Promise<string> {
    if (this.#unsaved) return (await this.getTokenSet()).accessToken;
    const { tokens } = await this.#readUsable();
    // The hot path: the same test as TokenSet.isExpired, without building a TokenSet.
    if (tokens.expiresAt - Math.floor(this.#clock.now() / 1000) > this.marginSeconds) return tokens.accessToken;
    return (await this.#refresh(false, TokenSet.fromData(tokens))).accessToken;
  }

  /** The current token set (scopes, athlete, expiry), refreshed first if it is within the margin. */
  async getTokenSet(): Promise<TokenSet> {
    if (this.#unsaved) return this.#refresh(false, this.#unsaved.tokens);
    const tokens = TokenSet.fromData((await this.#readUsable()).tokens);
    if (!tokens.isExpired(this.#clock, this.marginSeconds)) return tokens;
    return this.#refresh(false, tokens);
  }

  /**
   * Refreshes now if the tokens are within the margin; with `force`, even if they are not (for
   * instance after Strava refused an access token). A forced refresh still uses a set another
   * process stored after this call began instead of refreshing a second time.
   */
  async refresh(options: { force?: boolean } = {}): Promise<TokenSet> {
    if (!options.force || this.#unsaved) return this.getTokenSet();
    return this.#refresh(true, TokenSet.fromData((await this.#readUsable()).tokens));
  }

  /**
   * Stores tokens from a login or from elsewhere, by the rules of {@link ImportOptions}: tokens
   * straight from `oauth.finish` replace what is stored; other tokens only fill an empty (or
   * dead) record. Returns `imported`, or `kept` when usable stored tokens were left alone (or
   * these same ones were stored already). Throws `ScopesNotImportedError`, storing nothing,
   * when keeping would drop scopes the given tokens grant.
   *
   * @example
   * const tokens = await oauth.finish(request, callbackUrl); // a new login, maybe more scopes
   * await manager.importTokens(tokens); // 'imported': replaces the old login's tokens
   */
  async importTokens(tokens: ImportableTokens, options: ImportOptions = {}): Promise<'imported' | 'kept'> {
    const data = importableToData(tokens);
    const replace = options.replace ?? isFreshAuthorization(tokens);
    return this.store.withLock(
      this.key,
      async (locked) => {
        const current = await locked.get();
        if (current && !replace) {
          // The same refresh token (even one marked dead) gains nothing from being stored again.
          if (current.tokens.refreshToken === data.refreshToken) return 'kept';
          if (!current.invalid) {
            const lost = missingScopes(data.scopes, current.tokens.scopes);
            if (lost.length > 0) throw new ScopesNotImportedError({ key: this.key, scopes: lost, stored: current.tokens.scopes });
            return 'kept';
          }
        }
        await locked.set({ tokens: data, updatedAt: this.#clock.now() });
        return 'imported';
      },
      this.#lockOptions(),
    );
  }

  /** Reads the record, failing with the typed error when there is none or it is marked invalid. */
  async #readUsable(): Promise<StoredTokens> {
    const record = await this.store.get(this.key);
    if (!record) throw new NotLoggedInError(this.key, this.#loginOptions());
    if (record.invalid) throw this.#invalidError(record.invalid);
    return record;
  }

  /** One refresh per instance at a time; a forced one never rides on an unforced one. */
  #refresh(force: boolean, seen: TokenSet): Promise<TokenSet> {
    const flight = this.#flight;
    if (flight && (flight.force || !force)) return flight.promise;
    if (flight) {
      // An unforced refresh may legitimately return the current tokens; wait for it, then force
      // (which uses its result if it did get new tokens, since they differ from `seen`).
      return flight.promise.catch(() => undefined).then(() => this.#refresh(true, seen));
    }
    const promise: Promise<TokenSet> = this.#refreshUnderLock(force, seen).finally(() => {
      if (this.#flight?.promise === promise) this.#flight = undefined;
    });
    this.#flight = { force, promise };
    return promise;
  }

  async #refreshUnderLock(force: boolean, seen: TokenSet): Promise<TokenSet> {
    // The callback never throws after a write, so a store that commits at the end of `withLock`
    // (a SQL transaction) keeps every write it made.
    const outcome = await this.store.withLock(
      this.key,
      async (locked): Promise<LockedOutcome> => {
        const record = await locked.get();
        const unsaved = this.#unsaved;
        this.#unsaved = undefined;
        // The store still holds the set our unsaved one replaced (maybe marked dead by another
        // process meanwhile): ours is the only live one, save it now without asking Strava.
        if (unsaved && record?.tokens.refreshToken === unsaved.previous.refreshToken) return this.#save(locked, unsaved.tokens, unsaved.previous);
        if (!record) return { kind: 'missing' };
        if (record.invalid) return { kind: 'invalid', mark: record.invalid };
        const current = TokenSet.fromData(record.tokens);
        const changed = current.refreshToken !== seen.refreshToken || current.accessToken !== seen.accessToken;
        // Another process (or login) stored tokens while we waited for the lock: use them.
        if (!current.isExpired(this.#clock, this.marginSeconds) && (!force || changed)) return { kind: 'current', tokens: current };

        let refreshed: TokenSet;
        try {
          refreshed = await this.#callStrava(current);
        } catch (error) {
          if (!(error instanceof InvalidRefreshTokenError)) throw error; // nothing was written
          const mark: InvalidMark = { reason: this.#rejectionReason(error), code: error.code, at: this.#clock.now() };
          await locked.set({ ...record, invalid: mark, updatedAt: mark.at });
          return { kind: 'rejected', error };
        }
        return this.#save(locked, refreshed, current);
      },
      this.#lockOptions(),
    );
    switch (outcome.kind) {
      case 'missing':
        throw new NotLoggedInError(this.key, this.#loginOptions());
      case 'invalid':
        throw this.#invalidError(outcome.mark);
      case 'rejected':
        throw outcome.error;
      case 'current':
        return outcome.tokens;
      case 'refreshed':
        if (outcome.hookError !== undefined) throw new RefreshHookError(this.key, outcome.hookError);
        return outcome.tokens;
      case 'unsaved':
        throw new TokensNotSavedError(this.key, outcome.error);
    }
  }

  /**
   * Saves a set Strava just issued, before anything else happens (Strava may just have killed the
   * old refresh token), then runs the hook. A failed write is retried (writing is idempotent); if
   * it keeps failing, the set is kept in memory for the next call rather than lost.
   */
  async #save(locked: LockedTokens, tokens: TokenSet, previous: TokenSet): Promise<LockedOutcome> {
    try {
      await withRetry(() => locked.set({ tokens: tokens.toData(), updatedAt: this.#clock.now() }), {
        policy: this.#retry,
        shouldRetry: () => true,
        ...(this.#sleep ? { sleep: this.#sleep } : {}),
      });
    } catch (error) {
      this.#unsaved = { tokens, previous };
      return { kind: 'unsaved', error };
    }
    if (!this.#onRefresh) return { kind: 'refreshed', tokens };
    try {
      await this.#onRefresh(tokens, { key: this.key, previous });
      return { kind: 'refreshed', tokens };
    } catch (hookError) {
      return { kind: 'refreshed', tokens, hookError };
    }
  }

  /**
   * Calls Strava, retrying network errors and 5xx. Retrying a refresh is as safe as not retrying:
   * if an attempt reached Strava and only its answer was lost, Strava may have rotated the refresh
   * token, and then nothing can recover the new one. A retry with the old token is then refused
   * (`InvalidRefreshTokenError`, reported with the lost attempt as its cause), which is the truth
   * (a new login is needed); without the retry the next call would find the same. Most network
   * errors happen before the request reaches Strava (DNS, refused connection), and those the
   * retry fixes.
   */
  async #callStrava(current: TokenSet): Promise<TokenSet> {
    let transient: unknown;
    try {
      return await withRetry(
        async (_attempt, remainingMs) => {
          try {
            const { timeoutMs } = limitsWithin({ timeoutMs: this.#oauth.requestTimeoutMs }, remainingMs);
            return await refreshTokens({ ...this.#oauth, requestTimeoutMs: timeoutMs }, current);
          } catch (error) {
            if (isTransientError(error)) transient = error;
            throw error;
          }
        },
        { policy: this.#retry, shouldRetry: isTransientError, sleep: this.#sleep, clock: this.#clock },
      );
    } catch (error) {
      if (error instanceof InvalidRefreshTokenError && transient !== undefined) {
        throw new InvalidRefreshTokenError({
          status: error.status,
          faults: error.faults,
          ...(error.stravaMessage !== undefined ? { stravaMessage: error.stravaMessage } : {}),
          ...this.#loginOptions(),
          cause: transient,
        });
      }
      throw error;
    }
  }

  #rejectionReason(error: InvalidRefreshTokenError): string {
    return error.cause === undefined
      ? 'Strava rejected the refresh token (RefreshToken/refresh_token/invalid).'
      : 'Strava rejected the refresh token after an earlier attempt got no answer: that attempt probably rotated it and its answer was lost.';
  }

  #invalidError(mark: InvalidMark): InvalidRefreshTokenError {
    return new InvalidRefreshTokenError({
      status: 400,
      faults: [{ resource: 'RefreshToken', field: 'refresh_token', code: 'invalid' }],
      ...this.#loginOptions(),
      cause: new Error(`Marked invalid at ${new Date(mark.at).toISOString()}: ${mark.reason}`),
    });
  }

  #loginOptions(): { loginCommand?: string } {
    return this.#oauth.loginCommand ? { loginCommand: this.#oauth.loginCommand } : {};
  }

  #lockOptions(): { timeoutMs?: number } {
    return this.#lockTimeoutMs === undefined ? {} : { timeoutMs: this.#lockTimeoutMs };
  }
}

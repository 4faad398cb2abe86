import type { Clock } from '../core/clock.ts';
import { InvalidRefreshTokenError } from '../core/errors/invalid-refresh-token-error.ts';
import { revokeToken, type OAuthConfig } from '../core/token-endpoint.ts';
import type { TokenSet, TokenSetData } from '../core/token-set.ts';
import { NotLoggedInError } from '../tokens/errors/not-logged-in-error.ts';
import { DEFAULT_MARGIN_SECONDS } from '../tokens/margin.ts';
import { TokenManager } from '../tokens/token-manager.ts';
import type { StoredTokens, TokenStore } from '../tokens/token-store.ts';
import { AthleteGoneError } from './errors/athlete-gone-error.ts';
import { AthleteNotFoundError } from './errors/athlete-not-found-error.ts';
import { upstreamFailure } from './error-response.ts';
import { DEFAULT_CACHE_MS, FreshCache } from './fresh-cache.ts';
import { SharedReads } from './shared-reads.ts';
import type { ServiceMetrics } from './metrics.ts';
import type { ServiceLog } from './service-log.ts';
import type { ServiceStore } from './service-store.ts';

/** Token managers kept: one per athlete refreshed lately (see #dropIdleManagers). */
const DEFAULT_MAX_MANAGERS = 1_000;

/** What `GET /v1/athletes/{id}/token` answers. */
export interface TokenAnswer {
  access_token: string;
  expires_at: number;
  scopes: string[];
  athlete_id: number;
}

/** An athlete as the API lists it: no token, ever. */
export interface AthleteView {
  athlete_id: number;
  status: 'connected' | 'refresh_token_invalid' | 'revoked';
  scopes: string[];
  /** When the current access token expires (Unix seconds); absent once revoked. */
  expires_at?: number;
  firstname?: string;
  lastname?: string;
  username?: string | null;
  /** ms since the epoch: last token write, or the revocation. */
  updated_at: number;
  /** Why tokens are no longer handed out, when they are not. */
  reason?: string;
}

/** Options of {@link AthleteTokens}. */
export interface AthleteTokensOptions {
  store: TokenStore;
  serviceStore: ServiceStore;
  oauth: OAuthConfig;
  clock: Clock;
  metrics: ServiceMetrics;
  log: ServiceLog;
  /** Least validity of a returned token when the caller asks none (default 300 s). */
  marginSeconds?: number;
  /** How long a token read from the store may be handed out again without reading it (ms; default 1000, 0: never). */
  cacheMs?: number;
  /** What times that (default `clock`; a monotonic clock in production, so a clock set back does not stretch it). */
  cacheClock?: Clock;
  /** Token managers kept (default 1000); past it, idle ones are dropped, oldest first. */
  maxManagers?: number;
}

/**
 * Every athlete's tokens, through one {@link TokenManager} per athlete refreshed lately (so
 * concurrent requests share one refresh; idle ones are dropped past a bound) over the shared
 * store (whose lock makes the refresh single-flight across replicas).
 *
 * A token read from the store is handed out again from memory for up to `cacheMs`, while it stays
 * valid long enough: a refresh elsewhere does not make it wrong (Strava keeps the old access token
 * valid until it expires), and a revocation elsewhere reaches this replica within `cacheMs`.
 */
export class AthleteTokens {
  readonly #options: AthleteTokensOptions;
  readonly #margin: number;
  readonly #managers = new Map<string, TokenManager>();
  /** Requests using each manager right now. */
  readonly #users = new Map<TokenManager, number>();
  readonly #maxManagers: number;
  readonly #answers: FreshCache<number, TokenAnswer>;
  /** Counts this process's changes: a read that overlapped one is not cached (it may predate it). */
  #changes = 0;
  /** Store reads under way: requests that miss the cache together read the store once. */
  readonly #reads: SharedReads<number, { record: StoredTokens | undefined; changes: number }>;

  constructor(options: AthleteTokensOptions) {
    this.#options = options;
    this.#margin = options.marginSeconds ?? DEFAULT_MARGIN_SECONDS;
    this.#maxManagers = options.maxManagers ?? DEFAULT_MAX_MANAGERS;
    const cacheMs = options.cacheMs ?? DEFAULT_CACHE_MS;
    this.#answers = new FreshCache({ ttlMs: cacheMs, clock: options.cacheClock ?? options.clock });
    this.#reads = new SharedReads({ enabled: cacheMs > 0 });
  }

  /**
   * An access token valid for at least `minValid` seconds (and the default margin), refreshed
   * first when needed. The hot path is a lookup in memory, else one store read (shared by the
   * requests that missed together).
   */
  async token(athleteId: number, minValid: number): Promise<TokenAnswer> {
    const cached = this.cachedToken(athleteId, minValid);
    if (cached) return cached;
    const least = Math.max(minValid, this.#margin);
    const key = String(athleteId);
    const { record, changes } = await this.#reads.run(athleteId, async () => {
      const changes = this.#changes;
      return { record: await this.#options.store.get(key), changes };
    });
    if (!record) throw await this.#missing(athleteId);
    if (record.invalid) throw new AthleteGoneError(athleteId, 'refresh_token_invalid');
    if (record.tokens.expiresAt - this.#nowSeconds() > least) return this.#remember(answer(record.tokens, athleteId), changes);
    try {
      const tokens = await this.#withManager(key, async (manager) => {
        const tokens = await manager.getTokenSet();
        // Past the default margin but short of what was asked: Strava renews a token with less
        // than an hour left, so a forced refresh (shared by concurrent callers) gets a longer one.
        return tokens.expiresAt - this.#nowSeconds() <= minValid ? manager.refresh({ force: true }) : tokens;
      });
      return this.#remember(answer(tokens.toData(), athleteId), changes);
    } catch (error) {
      this.#options.metrics.refreshFailures.inc({ code: error instanceof Error && 'code' in error ? String(error.code) : 'unknown' });
      if (error instanceof NotLoggedInError || error instanceof InvalidRefreshTokenError) {
        // What any replica cached of this athlete is no good now: drop it here and there.
        await this.#forgetEverywhere(athleteId);
      }
      if (error instanceof NotLoggedInError) throw await this.#missing(athleteId);
      if (error instanceof InvalidRefreshTokenError) {
        this.#options.log('warn', 'refresh token refused by Strava', { athlete_id: athleteId, code: error.code });
        throw new AthleteGoneError(athleteId, 'refresh_token_invalid', error);
      }
      throw upstreamFailure(error, this.#options.clock.now()) ?? error;
    }
  }

  /**
   * What {@link token} would answer from memory, without waiting: the token read less than
   * `cacheMs` ago, when it is still valid for `minValid` seconds and the margin; else undefined.
   */
  cachedToken(athleteId: number, minValid: number): TokenAnswer | undefined {
    const cached = this.#answers.get(athleteId);
    return cached && cached.expires_at - this.#nowSeconds() > Math.max(minValid, this.#margin) ? cached : undefined;
  }

  /** One athlete as the API shows it; {@link AthleteNotFoundError} when unknown. */
  async describe(athleteId: number): Promise<AthleteView> {
    const view = await this.#view(athleteId);
    if (!view) throw new AthleteNotFoundError(athleteId);
    return view;
  }

  /** A page of athletes in ascending id order after `after`, and the cursor of the next page. */
  async list(after: number, limit: number): Promise<{ athletes: AthleteView[]; next_after: number | null }> {
    const { store, serviceStore } = this.#options;
    const ids = new Set<number>();
    for (const key of await store.keys()) if (/^\d{1,15}$/.test(key)) ids.add(Number(key));
    for (const status of await serviceStore.listAthleteStatuses()) ids.add(status.athleteId);
    const page = [...ids].filter((id) => id > after).sort((a, b) => a - b);
    const athletes: AthleteView[] = [];
    for (const id of page.slice(0, limit)) {
      const view = await this.#view(id);
      if (view) athletes.push(view);
    }
    return { athletes, next_after: page.length > limit ? page[limit - 1]! : null };
  }

  /** Keeps tokens a callback obtained, replacing whatever was stored; a past revocation is forgotten. */
  async save(tokens: TokenSet, athleteId: number): Promise<void> {
    await this.#changing(athleteId, async () => {
      await this.#withManager(String(athleteId), (manager) => manager.importTokens(tokens, { replace: true }));
      await this.#options.serviceStore.clearAthleteStatus(athleteId);
    });
  }

  /**
   * Revokes the grant at Strava, then forgets the athlete (tokens and status). A failure to reach
   * Strava keeps everything, so the call can be repeated.
   */
  async forget(athleteId: number): Promise<void> {
    const { store, serviceStore, oauth } = this.#options;
    const key = String(athleteId);
    const found = await store.withLock(key, async (locked) => {
      const record = await locked.get();
      if (!record) return false;
      try {
        await revokeToken(oauth, record.tokens.refreshToken, 'refresh_token');
      } catch (error) {
        throw upstreamFailure(error, this.#options.clock.now()) ?? error;
      }
      return true;
    });
    const status = await serviceStore.getAthleteStatus(athleteId);
    if (!found && !status) throw new AthleteNotFoundError(athleteId);
    await this.#changing(athleteId, async () => {
      await store.delete(key);
      await serviceStore.clearAthleteStatus(athleteId);
    });
    this.#managers.delete(key);
  }

  /** The athlete revoked access at Strava (a deauthorization event): remember it, drop the tokens. */
  async revoked(athleteId: number, reason: string): Promise<void> {
    await this.#changing(athleteId, async () => {
      // Status first: between the two writes the API answers 410, never 404.
      await this.#options.serviceStore.setAthleteStatus(athleteId, { status: 'revoked', reason, at: this.#options.clock.now() });
      await this.#options.store.delete(String(athleteId));
    });
    this.#managers.delete(String(athleteId));
  }

  async #view(athleteId: number): Promise<AthleteView | undefined> {
    const record = await this.#options.store.get(String(athleteId));
    if (record) return viewOf(athleteId, record);
    const status = await this.#options.serviceStore.getAthleteStatus(athleteId);
    return status && { athlete_id: athleteId, status: 'revoked', scopes: [], updated_at: status.at, reason: status.reason };
  }

  /** Caches `answer` unless this process changed some athlete while it was being read. */
  #remember(answer: TokenAnswer, changesBefore: number): TokenAnswer {
    if (this.#changes === changesBefore) this.#answers.set(answer.athlete_id, answer);
    return answer;
  }

  /**
   * Runs `write`, a change to the athlete's stored state, with no cached answer for them from its
   * start (it is no longer sure) to its end (a read that overlapped it is not cached either).
   */
  async #changing(athleteId: number, write: () => Promise<void>): Promise<void> {
    this.forgetCached(athleteId);
    try {
      await write();
    } finally {
      await this.#forgetEverywhere(athleteId);
    }
  }

  /**
   * Drops what this replica cached of the athlete, and tells the others to drop theirs now rather
   * than when it expires (through a store that can tell them).
   */
  async #forgetEverywhere(athleteId: number): Promise<void> {
    this.forgetCached(athleteId);
    await this.#options.serviceStore.announce?.({ kind: 'athlete', athleteId }).catch((error: unknown) => {
      this.#options.log('warn', 'could not tell the other replicas of a change: they see it within the cache time', {
        athlete_id: athleteId,
        error: error instanceof Error ? error.name : typeof error,
      });
    });
  }

  /**
   * Drops the cached token of `athleteId` (of every athlete when undefined): it changed, here or
   * on another replica. A read under way is neither cached nor joined.
   */
  forgetCached(athleteId?: number): void {
    this.#changes++;
    this.#reads.forget(athleteId);
    if (athleteId === undefined) this.#answers.clear();
    else this.#answers.delete(athleteId);
  }

  async #missing(athleteId: number): Promise<Error> {
    return (await this.#options.serviceStore.getAthleteStatus(athleteId)) ? new AthleteGoneError(athleteId, 'athlete_revoked') : new AthleteNotFoundError(athleteId);
  }

  /** Runs `fn` with the athlete's manager, which is not dropped meanwhile (see #dropIdleManagers). */
  async #withManager<T>(key: string, fn: (manager: TokenManager) => Promise<T>): Promise<T> {
    const manager = this.#manager(key);
    this.#users.set(manager, (this.#users.get(manager) ?? 0) + 1);
    try {
      return await fn(manager);
    } finally {
      const users = this.#users.get(manager)! - 1;
      if (users === 0) this.#users.delete(manager);
      else this.#users.set(manager, users);
    }
  }

  #manager(key: string): TokenManager {
    let manager = this.#managers.get(key);
    if (!manager) {
      const { store, oauth, clock, metrics, log } = this.#options;
      manager = new TokenManager({
        store,
        key,
        oauth,
        clock,
        marginSeconds: this.#margin,
        onRefresh: () => {
          metrics.refreshes.inc();
          log('info', 'refreshed tokens', { athlete_id: Number(key) });
        },
      });
      if (this.#managers.size >= this.#maxManagers) this.#dropIdleManagers();
      this.#managers.set(key, manager);
    }
    return manager;
  }

  /**
   * Forgets the oldest managers down to half the bound, skipping any in use (a request is between
   * asking for it and its answer) or not idle (it holds tokens its store failed to save). A dropped
   * one is made again when its athlete next needs a refresh; the store's lock keeps that refresh
   * single.
   */
  #dropIdleManagers(): void {
    for (const [key, manager] of this.#managers) {
      if (this.#managers.size < this.#maxManagers / 2) return;
      if (manager.idle && !this.#users.has(manager)) this.#managers.delete(key);
    }
  }

  #nowSeconds(): number {
    return Math.floor(this.#options.clock.now() / 1000);
  }
}

/** Frozen: one answer may be handed to many callers from the cache. */
function answer(tokens: TokenSetData, athleteId: number): TokenAnswer {
  return Object.freeze({ access_token: tokens.accessToken, expires_at: tokens.expiresAt, scopes: Object.freeze([...tokens.scopes]) as string[], athlete_id: athleteId });
}

function viewOf(athleteId: number, record: StoredTokens): AthleteView {
  const { athlete, scopes, expiresAt } = record.tokens;
  return {
    athlete_id: athleteId,
    status: record.invalid ? 'refresh_token_invalid' : 'connected',
    scopes: [...scopes],
    expires_at: expiresAt,
    ...(typeof athlete?.firstname === 'string' ? { firstname: athlete.firstname } : {}),
    ...(typeof athlete?.lastname === 'string' ? { lastname: athlete.lastname } : {}),
    ...(athlete?.username !== undefined ? { username: athlete.username } : {}),
    updated_at: record.updatedAt,
    ...(record.invalid ? { reason: record.invalid.reason } : {}),
  };
}

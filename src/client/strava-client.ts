/**
 * {@link StravaClient}: Strava's API v3 with the token handling, scope checks, rate limits and
 * retries people otherwise write by hand. Runtime-agnostic: fetch, clock and sleep are injected.
 */
import { systemClock, type Clock } from '../core/clock.ts';
import { STRAVA_API_BASE_URL } from '../core/endpoints.ts';
import { InvalidAccessTokenError } from '../core/errors/invalid-access-token-error.ts';
import { MalformedResponseError } from '../core/errors/malformed-response-error.ts';
import { MissingScopeError } from '../core/errors/missing-scope-error.ts';
import { RateLimitError } from '../core/errors/rate-limit-error.ts';
import { defaultFetch, fetchBounded, type FetchLike } from '../core/http.ts';
import type { LoginCommand } from '../core/login-command.ts';
import { Redactor } from '../core/redactor.ts';
import { limitsOf, limitsWithin, resolveLimits, type RequestLimits } from '../core/request-limits.ts';
import { DEFAULT_RETRY, realSleep, withRetry, type RetryPolicy, type Sleep } from '../core/retry.ts';
import { missingScopes, type Scope } from '../core/scopes.ts';
import type {
  ActivityStats,
  CreateActivityInput,
  DetailedActivity,
  DetailedAthlete,
  SummaryActivity,
  Upload,
  UpdatableActivity,
  Zones,
} from './models.ts';
import { apiRequestInit, encodeApiCall, processApiResponse, type ApiResponse } from './api-call.ts';
import { paginate, type PaginateOptions } from './paginate.ts';
import { RateLimitTracker, type RateLimitStatus } from './rate-limit-tracker.ts';
import { prepareRequest, type HttpMethod, type PreparedRequest, type QueryValue, type RequestOptions } from './request-options.ts';
import { TokenSource, type RequestToken, type TokenProvider } from './token-provider.ts';
import { isRetryable } from './transient-errors.ts';
import { uploadForm, waitForUpload, type UploadInput, type UploadWaitOptions } from './uploads.ts';

/** What happens on a 429. */
export interface RateLimitPolicy {
  /** Wait for the window to reset and try again (default false: throw `RateLimitError`). */
  wait?: boolean;
  /** Never wait longer than this (default 16 minutes: a 15-minute window, never a daily one). */
  maxWaitMs?: number;
}

/** What `onRateLimit` is told about a 429, before the client waits or throws. */
export interface RateLimitEvent {
  endpoint: string;
  window: 'short' | 'daily';
  resetsAt: Date;
  /** How long the client will wait; undefined when it will throw instead. */
  waitMs: number | undefined;
}

/** Options of {@link StravaClient}. */
export interface StravaClientOptions {
  /** A `TokenManager` (or anything with `getTokenSet` and `refresh`), or a bare access token. */
  tokens: TokenProvider | string;
  /** The scopes a bare access token was granted, so calls it cannot make fail before being sent. */
  scopes?: string | readonly string[];
  /**
   * The API base (default `STRAVA_API_BASE_URL`, https://www.strava.com/api/v3). From
   * 2027-06-01 Strava moves it to `STRAVA_API_BASE_URL_2027` (https://www.api-v3.strava.com);
   * the emulator's is `emu.url + '/api/v3'`.
   */
  apiBaseUrl?: string;
  fetch?: FetchLike;
  clock?: Clock;
  /** Waits between retries, polls and rate-limit windows; injected by tests. */
  sleep?: Sleep;
  /** Retries of idempotent calls on network errors and 5xx (default three, jittered, within 60 s). */
  retry?: RetryPolicy;
  /** Bound of one request, connect to last byte (default 30 s): `RequestTimeoutError` after it. */
  requestTimeoutMs?: number;
  /** Cap of a response body (default 8 MiB): `ResponseTooLargeError` past it. */
  maxResponseBytes?: number;
  rateLimit?: RateLimitPolicy;
  /** Told about every 429 (for a progress line: "rate limited, waiting until 10:15"). */
  onRateLimit?: (event: RateLimitEvent) => void;
  /**
   * The command (or page) that authorizes again, quoted by `MissingScopeError` and the other
   * errors whose fix is a new authorization: a string, or a function of the scopes to ask for
   * (called with none for a plain re-login). Unset, remedies say in neutral words to ask the
   * athlete to authorize the app again with the scopes needed. The CLI sets
   * `strava-auth login --scope <scopes> --force`.
   */
  loginCommand?: LoginCommand;
}

export type { ApiResponse } from './api-call.ts';

/** Options of {@link StravaClient.paginate}. */
export interface ClientPaginateOptions extends PaginateOptions {
  query?: Record<string, QueryValue>;
  signal?: AbortSignal;
}

/** `GET /athlete/activities` filters; Dates are accepted for `before` and `after`. */
export interface ActivityListQuery {
  before?: number | Date;
  after?: number | Date;
  page?: number;
  per_page?: number;
}

/** Resolves true when `signal` aborts before `sleep` ends. */
function abortedDuring(sleep: Promise<void>, signal: AbortSignal | undefined): Promise<boolean> {
  if (!signal) return sleep.then(() => false);
  if (signal.aborted) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = () => resolve(true);
    signal.addEventListener('abort', onAbort, { once: true });
    void sleep.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(false);
    });
  });
}

/** Default bound on waiting for a rate-limit window. */
export const DEFAULT_MAX_RATE_LIMIT_WAIT_MS = 16 * 60_000;
/** Added to a window's reset time, so a clock slightly behind Strava's does not arrive early. */
const RESET_MARGIN_MS = 1000;
/** A request waits for at most this many windows (another process may be using the budget up). */
const MAX_RATE_LIMIT_WAITS = 4;

/**
 * A Strava API client.
 *
 * - Never sends an expired token; on a 401 for an invalid token it gets a new one once and
 *   retries once.
 * - Checks the endpoint's scopes against the token's before sending (`MissingScopeError` names
 *   the scope and the login command that grants it); Strava's own
 *   `401 AccessToken/*_permission/missing` becomes the same error.
 * - Tracks the rate limits (`client.rateLimit`); on 429 waits for the window (opt-in, capped) or
 *   throws `RateLimitError` with the reset time.
 * - Retries idempotent calls on network errors and 5xx with jittered backoff; never repeats a
 *   POST that may have reached Strava.
 * - The token only ever travels in the `Authorization` header.
 *
 * @example
 * const client = new StravaClient({ tokens: manager });
 * for await (const activity of client.paginate<SummaryActivity>('/athlete/activities', { concurrency: 4 })) {
 *   console.log(activity.name);
 * }
 */
export class StravaClient {
  readonly apiBaseUrl: string;
  readonly #tokens: TokenSource;
  readonly #fetch: FetchLike;
  readonly #clock: Clock;
  readonly #sleep: Sleep;
  readonly #retry: RetryPolicy;
  readonly #wait: boolean;
  readonly #maxWaitMs: number;
  readonly #onRateLimit: ((event: RateLimitEvent) => void) | undefined;
  readonly #loginCommand: LoginCommand | undefined;
  readonly #rateLimits: RateLimitTracker;
  readonly #limits: Partial<RequestLimits>;

  constructor(options: StravaClientOptions) {
    this.apiBaseUrl = options.apiBaseUrl ?? STRAVA_API_BASE_URL;
    new URL(this.apiBaseUrl); // a malformed base fails here, not on the first call
    this.#clock = options.clock ?? systemClock;
    this.#tokens = new TokenSource(options.tokens, this.#clock, options.scopes);
    const fetchFn: FetchLike = options.fetch ?? defaultFetch;
    // Every answer, errors included, updates the rate-limit state before anything else reads it.
    this.#fetch = async (input, init) => {
      const response = await fetchFn(input, init);
      this.#rateLimits.observe(response.headers);
      return response;
    };
    this.#sleep = options.sleep ?? realSleep;
    this.#retry = options.retry ?? DEFAULT_RETRY;
    this.#limits = resolveLimits(limitsOf(options)); // a limit that disables the bound fails here
    this.#wait = options.rateLimit?.wait ?? false;
    this.#maxWaitMs = options.rateLimit?.maxWaitMs ?? DEFAULT_MAX_RATE_LIMIT_WAIT_MS;
    this.#onRateLimit = options.onRateLimit;
    this.#loginCommand = options.loginCommand;
    this.#rateLimits = new RateLimitTracker(this.#clock);
  }

  /** The rate limits as the latest response reported them, aged by the clock (see {@link RateLimitStatus}). */
  get rateLimit(): RateLimitStatus {
    return this.#rateLimits.status();
  }

  /** Requests a call to `METHOD /path` may still make in the current windows (undefined before any response). */
  remainingBudget(method: HttpMethod, path: string): number | undefined {
    return this.#rateLimits.remaining(prepareRequest(this.apiBaseUrl, method, path).endpoint);
  }

  /**
   * Calls any endpoint and returns the parsed body.
   *
   * @example
   * const kudoers = await client.request<SummaryAthlete[]>('GET', `/activities/${id}/kudos`, { query: { per_page: 50 } });
   */
  async request<T = unknown>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<T> {
    return (await this.requestRaw<T>(method, path, options)).data;
  }

  /** {@link request}, with the status, headers, raw text and rate-limit headers of the answer. */
  async requestRaw<T = unknown>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const prepared = prepareRequest(this.apiBaseUrl, method, path, options);
    let token = await this.#tokens.current();
    this.#preflight(prepared, token);
    const call = await encodeApiCall(prepared);
    let renewed = false;
    let waits = 0;
    for (;;) {
      try {
        return await this.#sendWithRetries<T>(call, token);
      } catch (error) {
        if (error instanceof InvalidAccessTokenError && !renewed && this.#tokens.canRefresh) {
          renewed = true;
          token = await this.#tokens.renew(token);
          continue;
        }
        if (error instanceof RateLimitError) {
          const waitMs = this.#rateLimitWait(call, error, waits);
          if (waitMs === undefined) throw this.#withOwnReset(call, error);
          waits++;
          // A caller that stopped waiting (its signal, or a list that ended) gets the 429 now.
          if (await abortedDuring(this.#sleep(waitMs), call.signal)) throw this.#withOwnReset(call, error);
          continue;
        }
        throw error;
      }
    }
  }

  /**
   * Every item of a page-numbered list, in order, until the first empty page (a short page is
   * not the end: see protocol section 7). `perPage` defaults to 200; with `concurrency` > 1
   * pages are fetched in parallel within the remaining rate-limit budget; `'auto'` fetches a
   * whole history in batches of 16 pages (see {@link PaginateOptions.concurrency}).
   *
   * @example
   * for await (const a of client.paginate<SummaryActivity>('/athlete/activities', { query: { after: new Date('2026-01-01') } })) { ... }
   */
  paginate<T = unknown>(path: string, options: ClientPaginateOptions = {}): AsyncGenerator<T, void, undefined> {
    const { query = {}, signal, ...pageOptions } = options;
    const endpoint = prepareRequest(this.apiBaseUrl, 'GET', path).endpoint;
    return paginate<T>(
      {
        fetch: async (page, perPage, stop) => {
          const either = signal ? AbortSignal.any([signal, stop]) : stop;
          const items = await this.request<unknown>('GET', path, { query: { ...query, page, per_page: perPage }, signal: either });
          if (!Array.isArray(items)) throw new MalformedResponseError(`${endpoint} did not answer with a list`, 200);
          return items as T[];
        },
        remainingBudget: () => this.#rateLimits.remaining(endpoint),
      },
      pageOptions,
    );
  }

  // ---- athlete ---------------------------------------------------------------------------

  /** `GET /athlete`: the detailed athlete with `profile:read_all`, the summary otherwise. */
  getAthlete(): Promise<DetailedAthlete> {
    return this.request('GET', '/athlete');
  }

  /** `PUT /athlete` (needs `profile:write`): weight in kilograms; `ftp` in watts where Strava takes it. */
  updateAthlete(changes: { weight?: number; ftp?: number }): Promise<DetailedAthlete> {
    return this.request('PUT', '/athlete', { form: { weight: changes.weight, ftp: changes.ftp } });
  }

  /** `GET /athlete/zones` (needs `profile:read_all`). */
  getAthleteZones(): Promise<Zones> {
    return this.request('GET', '/athlete/zones');
  }

  /**
   * `GET /athletes/{id}/stats`. Strava only answers for the token's own athlete; without `id`
   * the client uses that one (from the token set, or `GET /athlete`).
   */
  async getAthleteStats(athleteId?: number): Promise<ActivityStats> {
    const id = athleteId ?? (await this.#tokens.current()).athleteId ?? (await this.getAthlete()).id;
    return this.request('GET', `/athletes/${id}/stats`);
  }

  // ---- activities ------------------------------------------------------------------------

  /** One page of `GET /athlete/activities` (needs `activity:read`). Use {@link allActivities} for all of them. */
  listActivities(query: ActivityListQuery = {}): Promise<SummaryActivity[]> {
    return this.request('GET', '/athlete/activities', { query: { ...query } });
  }

  /** Every activity of the athlete, newest first ({@link paginate} over `/athlete/activities`). */
  allActivities(
    query: Omit<ActivityListQuery, 'page' | 'per_page'> = {},
    options: Omit<ClientPaginateOptions, 'query'> = {},
  ): AsyncGenerator<SummaryActivity, void, undefined> {
    return this.paginate<SummaryActivity>('/athlete/activities', { ...options, query: { ...query } });
  }

  /** `GET /activities/{id}` (`activity:read`; `activity:read_all` for Only You activities). */
  getActivity(id: number, options: { includeAllEfforts?: boolean } = {}): Promise<DetailedActivity> {
    return this.request('GET', `/activities/${id}`, { query: { include_all_efforts: options.includeAllEfforts } });
  }

  /** `POST /activities`: a manual activity (needs `activity:write`). Never retried once it may have reached Strava. */
  createActivity(input: CreateActivityInput): Promise<DetailedActivity> {
    const local = input.start_date_local instanceof Date ? input.start_date_local.toISOString().replace(/\.\d{3}Z$/, '') : input.start_date_local;
    return this.request('POST', '/activities', {
      form: {
        name: input.name,
        sport_type: input.sport_type,
        type: input.type,
        start_date_local: local,
        elapsed_time: input.elapsed_time,
        description: input.description,
        distance: input.distance,
        trainer: input.trainer === undefined ? undefined : input.trainer ? 1 : 0,
        commute: input.commute === undefined ? undefined : input.commute ? 1 : 0,
      },
    });
  }

  /** `PUT /activities/{id}` (`activity:write`, plus `activity:read_all` for Only You activities). */
  updateActivity(id: number, changes: UpdatableActivity): Promise<DetailedActivity> {
    return this.request('PUT', `/activities/${id}`, { body: changes });
  }

  // ---- uploads ---------------------------------------------------------------------------

  /** `POST /uploads` (needs `activity:write`): starts processing and returns at once. Never retried once sent. */
  createUpload(input: UploadInput): Promise<Upload> {
    return this.request('POST', '/uploads', { form: uploadForm(input) });
  }

  /** `GET /uploads/{id}`: the upload's current state. */
  getUpload(id: number): Promise<Upload> {
    return this.request('GET', `/uploads/${id}`);
  }

  /** Polls an upload until Strava reports its activity id (resolves) or an error (`UploadError`). */
  waitForUpload(upload: Upload, options: UploadWaitOptions = {}): Promise<Upload> {
    return waitForUpload(upload, (id) => this.getUpload(id), { ...options, clock: this.#clock, sleep: this.#sleep });
  }

  /**
   * Uploads a FIT, GPX or TCX file (optionally gzipped) and waits until Strava has made an
   * activity of it: resolves with the upload, `activity_id` set. Throws `UploadError` when
   * Strava reports an error (a malformed file, a duplicate) and `UploadTimeoutError` after
   * `timeoutMs`.
   *
   * @example
   * const { activity_id } = await client.uploadActivity({ file: bytes, filename: 'ride.fit' }, { onProgress: (u) => console.error(u.status) });
   */
  async uploadActivity(input: UploadInput, options: UploadWaitOptions = {}): Promise<Upload> {
    return this.waitForUpload(await this.createUpload(input), options);
  }

  // ---- internals -------------------------------------------------------------------------

  /** Refuses, before anything is sent, a call the token's scopes cannot make. */
  #preflight(call: PreparedRequest, token: RequestToken): void {
    if (!call.rule || !token.scopes) return;
    const missing = missingScopes(call.rule.needs, token.scopes);
    if (missing.length === 0) return;
    throw new MissingScopeError({ missing, granted: token.scopes, endpoint: call.endpoint, loginCommand: this.#loginCommand });
  }

  /** One call (build, send, process) with retries of transient failures, only where repeating it is safe. */
  #sendWithRetries<T>(call: PreparedRequest, token: RequestToken): Promise<ApiResponse<T>> {
    // A server that echoes the request must not get the token into the error.
    const redactor = new Redactor([token.accessToken]);
    return withRetry(
      async (_attempt, remainingMs) => {
        const init = apiRequestInit(call, token.accessToken);
        const response = await fetchBounded(this.#fetch, call.url, init, { endpoint: call.endpoint, limits: limitsWithin(this.#limits, remainingMs), redactor });
        // The login command goes as given: an error that names it works out its scopes.
        return processApiResponse<T>(call, response, {
          clock: this.#clock,
          grantedScopes: token.scopes ?? [],
          accessToken: token.accessToken,
          loginCommand: this.#loginCommand,
        });
      },
      { policy: this.#retry, shouldRetry: (error) => isRetryable(error, call.idempotent, call.signal), sleep: this.#sleep, clock: this.#clock },
    );
  }

  /** How long to wait before trying again after a 429, or undefined to throw. Tells `onRateLimit`. */
  #rateLimitWait(call: PreparedRequest, error: RateLimitError, waitsSoFar: number): number | undefined {
    const { window, resetsAt } = this.#rateLimits.resetOf(error, call.endpoint);
    const waitMs = Math.max(0, resetsAt.getTime() - this.#clock.now()) + RESET_MARGIN_MS;
    const willWait = this.#wait && waitMs <= this.#maxWaitMs && waitsSoFar < MAX_RATE_LIMIT_WAITS;
    this.#onRateLimit?.({ endpoint: call.endpoint, window, resetsAt, waitMs: willWait ? waitMs : undefined });
    return willWait ? waitMs : undefined;
  }

  /** The 429 as thrown: with the reset of the budget this call counts against. */
  #withOwnReset(call: PreparedRequest, error: RateLimitError): RateLimitError {
    const { window, resetsAt } = this.#rateLimits.resetOf(error, call.endpoint);
    if (window === error.window && resetsAt.getTime() === error.resetsAt.getTime()) return error;
    return new RateLimitError({
      status: error.status,
      faults: error.faults,
      ...(error.stravaMessage !== undefined && { stravaMessage: error.stravaMessage }),
      window,
      resetsAt,
      ...(error.rateLimit && { rateLimit: error.rateLimit }),
    });
  }
}

/**
 * Everything the emulated Strava remembers: apps, athletes, which athlete authorized which app,
 * authorization codes, token grants, and consent pages waiting for an answer. Every rule about
 * token lifetimes lives here so the OAuth endpoints and the (later) API routes agree on it.
 *
 * All methods are synchronous: Node runs one at a time, so two refreshes racing for one refresh
 * token are settled here exactly as Strava settles them (the loser holds a dead token).
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import { makeAthlete } from './athletes.ts';
import { applicationInactive, invalidAccessToken, type StravaFailure } from './errors.ts';
import { bearerToken } from './http.ts';
import type { AppConfig, RotationPolicy, SummaryAthlete } from './types.ts';
import type { PushSubscriptionRecord } from './webhooks/types.ts';
import type { ApiSnapshot } from './api/api-state.ts';

/** Access tokens live six hours (`expires_in` 21600). */
export const ACCESS_TOKEN_LIFETIME_SECONDS = 21_600;
/** A refresh returns the same access token while it has more than this left. */
export const SAME_TOKEN_WINDOW_SECONDS = 3_600;
/** Consent pages left unanswered this long are forgotten. */
const PENDING_CONSENT_LIFETIME_MS = 3_600_000;
/** Expired access tokens are kept this long so that revoking one still revokes its grant. */
const EXPIRED_TOKEN_MEMORY_SECONDS = 86_400;

/** An authorization code waiting to be exchanged. */
export interface AuthorizationCode {
  code: string;
  clientId: number;
  athleteId: number;
  scopes: string[];
  expiresAtMs: number;
}

/** One access token of a grant; `expiresAt` is unix seconds. */
export interface AccessToken {
  token: string;
  expiresAt: number;
}

/**
 * What one code exchange (or `issueTokens`) created: a refresh token and the access tokens minted
 * from it. Older access tokens stay in the list, and valid, until they expire.
 */
export interface Grant {
  id: string;
  clientId: number;
  athleteId: number;
  scopes: string[];
  refreshToken: string;
  /** Oldest first; the last one is current. */
  accessTokens: AccessToken[];
}

/** A consent page shown and not yet answered. The form carries only its id. */
export interface PendingConsent {
  id: string;
  clientId: number;
  athleteId: number;
  redirectUri: string;
  state: string;
  scopes: string[];
  createdAtMs: number;
}

/** The athlete's standing approval of an app: the scopes granted last time. */
export interface AuthorizationRecord {
  clientId: number;
  athleteId: number;
  scopes: string[];
}

/** What `statePath` holds. Apps are configuration, not state: they come from the options. */
export interface StateSnapshot {
  version: 1;
  athletes: SummaryAthlete[];
  authorizations: AuthorizationRecord[];
  codes: AuthorizationCode[];
  grants: Grant[];
  /** Absent in files written before push subscriptions existed. */
  pushSubscriptions?: PushSubscriptionRecord[];
  /** What API calls changed (activities, uploads, athlete extras, next ids); absent in older files. */
  api?: ApiSnapshot;
}

/** Who an access token speaks for, or the error Strava answers. */
export type TokenCheck =
  | { ok: true; athlete: SummaryAthlete; scopes: string[]; clientId: number; expiresAt: number; grant: Grant }
  | { ok: false; failure: StravaFailure };

/** Result of a successful refresh. */
export interface RefreshOutcome {
  grant: Grant;
  access: AccessToken;
  /** True when the current access token had more than an hour left and came back unchanged. */
  sameAccessToken: boolean;
}

/** 40 lowercase hex characters, like Strava's tokens and codes. */
export function newToken(): string {
  return randomBytes(20).toString('hex');
}

/** The emulator's memory. */
export class EmulatorState {
  readonly #clock: Clock;
  readonly #apps = new Map<number, AppConfig>();
  readonly #codeLifetimeMs: number;
  readonly #onChange: () => void;
  readonly #athletes = new Map<number, SummaryAthlete>();
  readonly #authorizations = new Map<string, AuthorizationRecord>();
  readonly #codes = new Map<string, AuthorizationCode>();
  readonly #grants = new Map<string, Grant>();
  readonly #byAccessToken = new Map<string, Grant>();
  readonly #byRefreshToken = new Map<string, Grant>();
  readonly #pending = new Map<string, PendingConsent>();

  /** `onChange` runs after every change worth persisting. */
  constructor(options: { clock: Clock; apps: AppConfig[]; codeLifetimeSeconds: number; onChange?: () => void }) {
    this.#clock = options.clock;
    this.#codeLifetimeMs = options.codeLifetimeSeconds * 1000;
    this.#onChange = options.onChange ?? (() => {});
    for (const app of options.apps) {
      if (this.#apps.has(app.clientId)) throw new Error(`Two emulator apps share client id ${app.clientId}.`);
      this.#apps.set(app.clientId, { ...app });
    }
    this.#ensureDefaultAthlete();
  }

  /** Current time in unix seconds. */
  nowSeconds(): number {
    return Math.floor(this.#clock.now() / 1000);
  }

  // ---- apps and athletes -------------------------------------------------------------------

  app(clientId: number): AppConfig | undefined {
    return this.#apps.get(clientId);
  }

  /** The app named by a raw `client_id` parameter (digits only), or undefined. */
  appByParam(raw: string | null | undefined): AppConfig | undefined {
    return raw && /^\d{1,15}$/.test(raw) ? this.#apps.get(Number(raw)) : undefined;
  }

  athlete(id: number): SummaryAthlete | undefined {
    return this.#athletes.get(id);
  }

  /** The athlete "signed in" in the browser when no consent policy names one: the first athlete. */
  defaultAthleteId(): number {
    return this.#athletes.keys().next().value ?? 1;
  }

  /** Adds an athlete; without an id, the next free one. An existing id is replaced. */
  addAthlete(fields: Partial<SummaryAthlete> = {}): SummaryAthlete {
    const id = fields.id ?? Math.max(0, ...this.#athletes.keys()) + 1;
    const athlete = makeAthlete(id, this.#clock.now(), fields);
    this.#athletes.set(id, athlete);
    this.#onChange();
    return athlete;
  }

  /** The athlete with `id`, created on first mention so a bench can use athlete ids freely. */
  ensureAthlete(id: number): SummaryAthlete {
    return this.#athletes.get(id) ?? this.addAthlete({ id });
  }

  #ensureDefaultAthlete(): void {
    if (this.#athletes.size === 0) this.#athletes.set(1, makeAthlete(1, this.#clock.now()));
  }

  // ---- authorizations (the app listed in the athlete's settings) --------------------------

  /** Scopes the athlete last granted this app, or undefined when it is not connected. */
  authorizedScopes(clientId: number, athleteId: number): string[] | undefined {
    return this.#authorizations.get(authorizationKey(clientId, athleteId))?.scopes;
  }

  /**
   * False when connecting one more athlete would exceed the app's athlete capacity. Athletes
   * already connected can always re-authorize.
   */
  hasCapacityFor(clientId: number, athleteId: number): boolean {
    const capacity = this.#apps.get(clientId)?.athleteCapacity;
    if (capacity === undefined || this.#authorizations.has(authorizationKey(clientId, athleteId))) return true;
    let connected = 0;
    for (const record of this.#authorizations.values()) if (record.clientId === clientId) connected++;
    return connected < capacity;
  }

  /** Records that the athlete approved these scopes (replacing an earlier approval). */
  authorize(clientId: number, athleteId: number, scopes: string[]): void {
    this.#authorizations.set(authorizationKey(clientId, athleteId), { clientId, athleteId, scopes: [...scopes] });
    this.#onChange();
  }

  // ---- authorization codes -----------------------------------------------------------------

  /** Mints a single-use code for an approved request. */
  issueCode(clientId: number, athleteId: number, scopes: string[]): string {
    const now = this.#clock.now();
    for (const [code, entry] of this.#codes) if (entry.expiresAtMs <= now) this.#codes.delete(code);
    const code = newToken();
    this.#codes.set(code, { code, clientId, athleteId, scopes: [...scopes], expiresAtMs: now + this.#codeLifetimeMs });
    this.#onChange();
    return code;
  }

  /**
   * Takes a code for `clientId`: null when unknown, already used, expired or minted for another
   * app. Only a successful take uses the code up.
   */
  takeCode(code: string, clientId: number): AuthorizationCode | null {
    const entry = this.#codes.get(code);
    if (!entry || entry.clientId !== clientId) return null;
    this.#codes.delete(code); // An expired code is gone too.
    this.#onChange();
    return entry.expiresAtMs > this.#clock.now() ? entry : null;
  }

  // ---- consent pages -----------------------------------------------------------------------

  /** Remembers a consent page's request server-side; the form only carries the returned id. */
  addPendingConsent(request: Omit<PendingConsent, 'id' | 'createdAtMs'>): PendingConsent {
    const now = this.#clock.now();
    for (const [id, entry] of this.#pending) {
      if (entry.createdAtMs + PENDING_CONSENT_LIFETIME_MS <= now) this.#pending.delete(id);
    }
    const pending: PendingConsent = { ...request, id: randomBytes(16).toString('hex'), createdAtMs: now };
    this.#pending.set(pending.id, pending);
    return pending;
  }

  /** Takes (and forgets) a pending consent request; null when unknown or already answered. */
  takePendingConsent(id: string): PendingConsent | null {
    const pending = this.#pending.get(id);
    if (!pending) return null;
    this.#pending.delete(id);
    return pending;
  }

  // ---- grants and tokens -------------------------------------------------------------------

  /** A new grant (refresh token + first access token) for an approved athlete and app. */
  createGrant(clientId: number, athleteId: number, scopes: string[]): Grant {
    const grant: Grant = {
      id: randomBytes(8).toString('hex'),
      clientId,
      athleteId,
      scopes: [...scopes],
      refreshToken: newToken(),
      accessTokens: [],
    };
    this.#grants.set(grant.id, grant);
    this.#byRefreshToken.set(grant.refreshToken, grant);
    this.#mintAccessToken(grant);
    this.#onChange();
    return grant;
  }

  /** The grant's newest access token. */
  currentAccessToken(grant: Grant): AccessToken {
    const current = grant.accessTokens.at(-1);
    if (!current) throw new Error(`Grant ${grant.id} has no access token.`);
    return current;
  }

  /**
   * Strava's refresh rules (protocol section 2): the same access token while it has more than an
   * hour left, else a new one with the old one still valid until it expires; a new refresh token
   * per `rotation`, the old one dead at once. Null for an unknown, dead or foreign refresh token.
   */
  refresh(refreshToken: string, clientId: number, rotation: RotationPolicy): RefreshOutcome | null {
    const grant = this.#byRefreshToken.get(refreshToken);
    if (!grant || grant.clientId !== clientId) return null;
    const current = this.currentAccessToken(grant);
    const sameAccessToken = current.expiresAt - this.nowSeconds() > SAME_TOKEN_WINDOW_SECONDS;
    const access = sameAccessToken ? current : this.#mintAccessToken(grant);
    const rotate = rotation === 'always' || (rotation === 'when-access-renewed' && !sameAccessToken);
    if (rotate) {
      this.#byRefreshToken.delete(grant.refreshToken);
      grant.refreshToken = newToken();
      this.#byRefreshToken.set(grant.refreshToken, grant);
    }
    if (rotate || !sameAccessToken) this.#onChange();
    return { grant, access, sameAccessToken };
  }

  #mintAccessToken(grant: Grant): AccessToken {
    const now = this.nowSeconds();
    const forgotten = grant.accessTokens.filter((t) => t.expiresAt + EXPIRED_TOKEN_MEMORY_SECONDS <= now);
    for (const old of forgotten) this.#byAccessToken.delete(old.token);
    grant.accessTokens = grant.accessTokens.filter((t) => !forgotten.includes(t));
    const access: AccessToken = { token: newToken(), expiresAt: now + ACCESS_TOKEN_LIFETIME_SECONDS };
    grant.accessTokens.push(access);
    this.#byAccessToken.set(access.token, grant);
    return access;
  }

  /**
   * Revokes the grant that `token` (access or refresh) belongs to, if `clientId` owns it: both its
   * refresh token and every access token die. False when nothing matched (still a 200 for Strava).
   */
  revoke(token: string, clientId: number): boolean {
    const grant = this.#byAccessToken.get(token) ?? this.#byRefreshToken.get(token);
    if (!grant || grant.clientId !== clientId) return false;
    this.#dropGrant(grant);
    this.#onChange();
    return true;
  }

  /**
   * Deauthorization: every grant and code the app holds for the athlete goes, and so does the
   * authorization, so the next authorize shows the consent page again and frees capacity.
   */
  deauthorize(clientId: number, athleteId: number): void {
    for (const grant of [...this.#grants.values()]) {
      if (grant.clientId === clientId && grant.athleteId === athleteId) this.#dropGrant(grant);
    }
    for (const [code, entry] of this.#codes) {
      if (entry.clientId === clientId && entry.athleteId === athleteId) this.#codes.delete(code);
    }
    this.#authorizations.delete(authorizationKey(clientId, athleteId));
    this.#onChange();
  }

  #dropGrant(grant: Grant): void {
    this.#grants.delete(grant.id);
    this.#byRefreshToken.delete(grant.refreshToken);
    for (const access of grant.accessTokens) this.#byAccessToken.delete(access.token);
  }

  // ---- access-token validation (shared with the API routes) --------------------------------

  /**
   * Who a raw access token speaks for. Fails with 401 Athlete/access_token/invalid when the
   * token is missing, unknown, revoked or expired, and 403 Application/Status/Inactive when its
   * app is.
   */
  checkAccessToken(token: string | null | undefined): TokenCheck {
    const grant = token ? this.#byAccessToken.get(token) : undefined;
    const access = grant?.accessTokens.find((t) => t.token === token);
    const athlete = grant && this.#athletes.get(grant.athleteId);
    if (!grant || !access || !athlete || access.expiresAt <= this.nowSeconds()) {
      return { ok: false, failure: invalidAccessToken() };
    }
    if (this.#apps.get(grant.clientId)?.inactive) return { ok: false, failure: applicationInactive() };
    return { ok: true, athlete, scopes: [...grant.scopes], clientId: grant.clientId, expiresAt: access.expiresAt, grant };
  }

  /**
   * {@link checkAccessToken} for an `Authorization` header value (`Bearer <token>`); a missing or
   * malformed header is an invalid token, as on Strava.
   *
   * @example
   * const check = state.authenticate(req.headers.authorization);
   * if (!check.ok) return fail(check.failure);
   */
  authenticate(authorization: string | undefined): TokenCheck {
    return this.checkAccessToken(bearerToken(authorization));
  }

  // ---- persistence -------------------------------------------------------------------------

  /** Everything worth keeping across restarts (pending consent pages are not). */
  snapshot(): StateSnapshot {
    return {
      version: 1,
      athletes: [...this.#athletes.values()],
      authorizations: [...this.#authorizations.values()],
      codes: [...this.#codes.values()],
      grants: [...this.#grants.values()],
    };
  }

  /** Replaces the state with a snapshot (at start, before any request). */
  restore(snapshot: StateSnapshot): void {
    this.#athletes.clear();
    this.#authorizations.clear();
    this.#codes.clear();
    this.#grants.clear();
    this.#byAccessToken.clear();
    this.#byRefreshToken.clear();
    for (const athlete of snapshot.athletes) this.#athletes.set(athlete.id, athlete);
    for (const record of snapshot.authorizations) {
      this.#authorizations.set(authorizationKey(record.clientId, record.athleteId), record);
    }
    for (const code of snapshot.codes) this.#codes.set(code.code, code);
    for (const grant of snapshot.grants) {
      this.#grants.set(grant.id, grant);
      this.#byRefreshToken.set(grant.refreshToken, grant);
      for (const access of grant.accessTokens) this.#byAccessToken.set(access.token, grant);
    }
    this.#ensureDefaultAthlete();
  }
}

function authorizationKey(clientId: number, athleteId: number): string {
  return `${clientId}:${athleteId}`;
}

import { REDACTED } from './redactor.ts';
import type { Clock } from './clock.ts';
import { normalizeScopes, missingScopes, type Scope } from './scopes.ts';

/** The athlete summary Strava returns with the first token response (SummaryAthlete; unknown fields kept). */
export interface AthleteSummary {
  id: number;
  username?: string | null;
  firstname?: string;
  lastname?: string;
  city?: string | null;
  country?: string | null;
  profile?: string;
  [field: string]: unknown;
}

/**
 * A token set as plain data, secrets included: what a store persists. Produce it with
 * {@link TokenSet.toData} and read it back with {@link TokenSet.fromData}; never log it.
 */
export interface TokenSetData {
  accessToken: string;
  refreshToken: string;
  /** When the access token expires, in Unix seconds (Strava's `expires_at`). */
  expiresAt: number;
  /** Scopes granted at login; they travel with every refreshed set. */
  scopes: Scope[];
  athlete?: AthleteSummary;
  tokenType?: 'Bearer';
}


function assertData(data: TokenSetData): void {
  if (typeof data !== 'object' || data === null) throw new TypeError('token set: expected an object');
  if (typeof data.accessToken !== 'string' || data.accessToken === '') throw new TypeError('token set: accessToken must be a non-empty string');
  if (typeof data.refreshToken !== 'string' || data.refreshToken === '') throw new TypeError('token set: refreshToken must be a non-empty string');
  if (typeof data.expiresAt !== 'number' || !Number.isFinite(data.expiresAt)) throw new TypeError('token set: expiresAt must be Unix seconds');
  if (!Array.isArray(data.scopes)) throw new TypeError('token set: scopes must be an array');
}

/**
 * An immutable set of Strava tokens. The access and refresh tokens are readable as properties but
 * are kept out of `JSON.stringify`, `toString` and `console.log`, so a token set can be logged
 * without leaking them. Use {@link TokenSet.toData} to persist it.
 *
 * @example
 * const tokens = TokenSet.fromData({ accessToken, refreshToken, expiresAt, scopes: ['read', 'activity:read'] });
 * tokens.isExpired(systemClock, 300); // expires within five minutes?
 */
export class TokenSet {
  readonly #accessToken: string;
  readonly #refreshToken: string;
  readonly expiresAt: number;
  readonly scopes: readonly Scope[];
  readonly athlete: Readonly<AthleteSummary> | undefined;
  readonly tokenType = 'Bearer';

  private constructor(data: TokenSetData) {
    this.#accessToken = data.accessToken;
    this.#refreshToken = data.refreshToken;
    this.expiresAt = data.expiresAt;
    this.scopes = Object.freeze(normalizeScopes(data.scopes));
    this.athlete = data.athlete ? Object.freeze({ ...data.athlete }) : undefined;
    Object.freeze(this);
  }

  /**
   * Makes a token set from plain data: what a store saved, or tokens obtained elsewhere (access +
   * refresh + expires_at, as stravalib accepts them). Throws `TypeError` on missing fields.
   */
  static fromData(data: TokenSetData): TokenSet {
    assertData(data);
    return new TokenSet(data);
  }

  get accessToken(): string {
    return this.#accessToken;
  }

  get refreshToken(): string {
    return this.#refreshToken;
  }

  /** Seconds until the access token expires (negative once expired). */
  expiresIn(clock: Clock): number {
    return this.expiresAt - Math.floor(clock.now() / 1000);
  }

  /** Whether the access token has expired, or will within `marginSeconds`. */
  isExpired(clock: Clock, marginSeconds = 0): boolean {
    return this.expiresIn(clock) <= marginSeconds;
  }

  /** Whether the granted scopes cover `needed` (implied scopes count). */
  hasScopes(...needed: Scope[]): boolean {
    return missingScopes(needed, this.scopes).length === 0;
  }

  /** A new set with some fields replaced (a refresh keeps scopes and athlete unless told otherwise). */
  with(changes: Partial<TokenSetData>): TokenSet {
    return TokenSet.fromData({ ...this.toData(), ...changes });
  }

  /** Plain data including the secrets, for a store. */
  toData(): TokenSetData {
    const data: TokenSetData = {
      accessToken: this.#accessToken,
      refreshToken: this.#refreshToken,
      expiresAt: this.expiresAt,
      scopes: [...this.scopes],
      tokenType: 'Bearer',
    };
    if (this.athlete) data.athlete = { ...this.athlete };
    return data;
  }

  /** Safe to log: the tokens are replaced by `[redacted]`. */
  toJSON(): Record<string, unknown> {
    return {
      accessToken: REDACTED,
      refreshToken: REDACTED,
      expiresAt: this.expiresAt,
      scopes: this.scopes,
      athlete: this.athlete,
      tokenType: this.tokenType,
    };
  }

  toString(): string {
    return `TokenSet(athlete ${this.athlete?.id ?? 'unknown'}, scopes ${this.scopes.join(',')}, expires ${new Date(this.expiresAt * 1000).toISOString()})`;
  }

  /** What `console.log` and Node's `util.inspect` show. */
  [Symbol.for('nodejs.util.inspect.custom')](): Record<string, unknown> {
    return this.toJSON();
  }
}

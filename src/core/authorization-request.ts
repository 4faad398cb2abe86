import { buildAuthorizationUrl, type AuthorizationUrlOptions } from './authorize-url.ts';
import { parseCallback, type CallbackResult } from './callback.ts';
import { systemClock, type Clock } from './clock.ts';
import { AuthorizationExpiredError } from './errors/authorization-expired-error.ts';
import { InvalidPendingLoginError } from './errors/invalid-pending-login-error.ts';
import { StateMismatchError } from './errors/state-mismatch-error.ts';
import { isScope, type Scope } from './scopes.ts';

/** How long a restored login may have been pending by default: ample for a consent page, short for a leaked record. */
export const DEFAULT_PENDING_LOGIN_MAX_AGE_MS = 15 * 60_000;

/**
 * A login in progress as plain JSON: what {@link AuthorizationRequest.serialize} returns and
 * {@link AuthorizationRequest.restore} takes, so another process or replica can finish it.
 *
 * `state` is what makes a forged callback fail: keep the record server-side (a database row, a
 * server session), never in a cookie or page others can read, and delete it when it is used.
 */
export interface PendingLogin {
  /** The record's format. */
  version: 1;
  /** The state sent to Strava; the callback must bring it back. */
  state: string;
  /** The authorize URL the athlete was sent to. */
  url: string;
  /** The scopes asked for (to report which the athlete unticked). */
  scopes: Scope[];
  /** The redirect URI of the authorize URL: the code exchange needs the same app. */
  redirectUri: string;
  /** When the login started, in milliseconds since the epoch. */
  createdAt: number;
  /** Whether a callback was accepted already: a completed record is never accepted again. */
  completed: boolean;
}

/** Options of {@link AuthorizationRequest.restore}. */
export interface RestoreOptions {
  /** Measures the record's age (default the system clock). */
  clock?: Clock | undefined;
  /** Refuse records older than this ({@link AuthorizationExpiredError}); default 15 minutes. */
  maxAgeMs?: number | undefined;
}

/**
 * One login attempt: the authorize URL with a fresh state, and the check of the callback that may
 * succeed only once (the state compared in constant time). Keep it in memory between sending the
 * athlete to Strava and the callback, or store `serialize()` server-side and `restore` it in
 * whichever process gets the callback.
 *
 * @example
 * const request = AuthorizationRequest.create({ clientId, redirectUri, scopes: 'activity:write' });
 * await db.pendingLogins.put(request.state, request.serialize());
 * redirect(request.url);
 * // later, in the callback handler (any process):
 * const record = await db.pendingLogins.take(new URL(callbackUrl).searchParams.get('state'));
 * const { code, scopes, missingScopes } = AuthorizationRequest.restore(record).complete(callbackUrl);
 */
export class AuthorizationRequest {
  readonly url: URL;
  readonly state: string;
  readonly scopes: readonly Scope[];
  readonly redirectUri: string;
  /** When the login started, in milliseconds since the epoch. */
  readonly createdAt: number;
  #completed: boolean;

  private constructor(url: URL, state: string, scopes: readonly Scope[], redirectUri: string, createdAt: number, completed: boolean) {
    this.url = url;
    this.state = state;
    this.scopes = Object.freeze([...scopes]);
    this.redirectUri = redirectUri;
    this.createdAt = createdAt;
    this.#completed = completed;
  }

  /** Builds the authorize URL (see {@link buildAuthorizationUrl}) and remembers its state and start time. */
  static create(options: AuthorizationUrlOptions, context: { clock?: Clock | undefined } = {}): AuthorizationRequest {
    const { url, state, scopes } = buildAuthorizationUrl(options);
    return new AuthorizationRequest(url, state, scopes, options.redirectUri, (context.clock ?? systemClock).now(), false);
  }

  /**
   * A login from its {@link PendingLogin} record, to be completed here. Refuses a record that is
   * not one (`InvalidPendingLoginError`), one already completed (`StateMismatchError`, reused) and
   * one older than `maxAgeMs` (`AuthorizationExpiredError`). Completing it is still allowed once
   * per restored object: delete the stored record when you restore it, so a replayed callback
   * finds nothing (Strava refuses a second use of the code too).
   */
  static restore(record: unknown, options: RestoreOptions = {}): AuthorizationRequest {
    const pending = readPendingLogin(record);
    if (pending.completed) throw new StateMismatchError('reused');
    const maxAgeMs = options.maxAgeMs ?? DEFAULT_PENDING_LOGIN_MAX_AGE_MS;
    const ageMs = (options.clock ?? systemClock).now() - pending.createdAt;
    if (ageMs > maxAgeMs) throw new AuthorizationExpiredError(ageMs, maxAgeMs);
    return new AuthorizationRequest(new URL(pending.url), pending.state, pending.scopes, pending.redirectUri, pending.createdAt, false);
  }

  /** Whether a callback was already accepted for this request. */
  get completed(): boolean {
    return this.#completed;
  }

  /**
   * Checks the callback (full URL or query string) against this request's state and returns the
   * code and granted scopes. A second call throws {@link StateMismatchError}: a state is used once.
   */
  complete(callback: string | URL | URLSearchParams): CallbackResult {
    if (this.#completed) throw new StateMismatchError('reused');
    const result = parseCallback(callback, { expectedState: this.state, requestedScopes: this.scopes });
    this.#completed = true;
    return result;
  }

  /**
   * The whole login as plain JSON, state included, for {@link AuthorizationRequest.restore} in
   * another process. The state is a secret from everyone but the athlete: store the record
   * server-side, not in a cookie or anywhere others can read it.
   */
  serialize(): PendingLogin {
    return {
      version: 1,
      state: this.state,
      url: this.url.href,
      scopes: [...this.scopes],
      redirectUri: this.redirectUri,
      createdAt: this.createdAt,
      completed: this.#completed,
    };
  }

  /** For logs: the state (and the URL, which carries it) are left out; use {@link serialize} to store it. */
  toJSON(): Record<string, unknown> {
    return { url: '[authorize url]', scopes: this.scopes, redirectUri: this.redirectUri, createdAt: this.createdAt, completed: this.#completed };
  }
}

/** Checks a stored record field by field: it comes from outside (a database, another process). */
function readPendingLogin(record: unknown): PendingLogin {
  const value = typeof record === 'string' ? parseJson(record) : record;
  if (typeof value !== 'object' || value === null) throw new InvalidPendingLoginError('it is not an object');
  const r = value as Record<string, unknown>;
  if (r.version !== 1) throw new InvalidPendingLoginError(`its version is ${JSON.stringify(r.version)}, not 1`);
  if (typeof r.state !== 'string' || r.state === '') throw new InvalidPendingLoginError('it has no state');
  if (typeof r.redirectUri !== 'string') throw new InvalidPendingLoginError('it has no redirect URI');
  if (typeof r.createdAt !== 'number' || !Number.isFinite(r.createdAt)) throw new InvalidPendingLoginError('it has no creation time');
  if (typeof r.completed !== 'boolean') throw new InvalidPendingLoginError('it does not say whether it was completed');
  if (!Array.isArray(r.scopes) || !r.scopes.every((s) => typeof s === 'string' && isScope(s))) throw new InvalidPendingLoginError('its scopes are not a list of Strava scopes');
  let url: URL;
  try {
    url = new URL(String(r.url));
  } catch {
    throw new InvalidPendingLoginError('its authorize URL is not a URL');
  }
  // The URL carries the state and redirect URI too; a record whose parts disagree was tampered with.
  if (url.searchParams.get('state') !== r.state || url.searchParams.get('redirect_uri') !== r.redirectUri) {
    throw new InvalidPendingLoginError('its authorize URL does not carry its state and redirect URI');
  }
  return { version: 1, state: r.state, url: url.href, scopes: r.scopes as Scope[], redirectUri: r.redirectUri, createdAt: r.createdAt, completed: r.completed };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidPendingLoginError('it is not JSON');
  }
}

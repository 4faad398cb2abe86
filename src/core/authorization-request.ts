import { buildAuthorizationUrl, type AuthorizationUrlOptions } from './authorize-url.ts';
import { parseCallback, type CallbackResult } from './callback.ts';
import { StateMismatchError } from './errors/state-mismatch-error.ts';
import type { Scope } from './scopes.ts';

/**
 * One login attempt: the authorize URL with a fresh state, and the check of the callback that may
 * succeed only once. Keep it in memory (or its `state` in a server-side session) between sending the
 * athlete to Strava and the callback.
 *
 * @example
 * const request = AuthorizationRequest.create({ clientId, redirectUri, scopes: 'activity:write' });
 * redirect(request.url);
 * // later, in the callback handler:
 * const { code, scopes, missingScopes } = request.complete(callbackUrl);
 */
export class AuthorizationRequest {
  readonly url: URL;
  readonly state: string;
  readonly scopes: readonly Scope[];
  readonly redirectUri: string;
  #completed = false;

  private constructor(url: URL, state: string, scopes: readonly Scope[], redirectUri: string) {
    this.url = url;
    this.state = state;
    this.scopes = Object.freeze([...scopes]);
    this.redirectUri = redirectUri;
  }

  /** Builds the authorize URL (see {@link buildAuthorizationUrl}) and remembers its state. */
  static create(options: AuthorizationUrlOptions): AuthorizationRequest {
    const { url, state, scopes } = buildAuthorizationUrl(options);
    return new AuthorizationRequest(url, state, scopes, options.redirectUri);
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

  /** The state is not secret from the athlete but is from everyone else: it is left out here. */
  toJSON(): Record<string, unknown> {
    return { url: '[authorize url]', scopes: this.scopes, redirectUri: this.redirectUri, completed: this.#completed };
  }
}

import { AuthorizationDeniedError } from './errors/authorization-denied-error.ts';
import { CallbackError } from './errors/callback-error.ts';
import { StateMismatchError } from './errors/state-mismatch-error.ts';
import { constantTimeEqual } from './random.ts';
import { isScope, missingScopes, normalizeScopes, type Scope } from './scopes.ts';

/** Options of {@link parseCallback}. */
export interface CallbackOptions {
  /** The state sent with the authorize URL. Required: a callback is never accepted without it. */
  expectedState: string;
  /** The scopes that were asked for, to report which the athlete unticked. */
  requestedScopes?: readonly Scope[];
}

/** What the redirect back from Strava carried. */
export interface CallbackResult {
  code: string;
  /** Scopes the athlete granted (Strava's `scope` parameter; always includes `read`). */
  scopes: Scope[];
  /** Requested scopes the athlete did not grant (unticked on the consent page). */
  missingScopes: Scope[];
}

function toParams(input: string | URL | URLSearchParams): URLSearchParams {
  if (input instanceof URLSearchParams) return input;
  if (input instanceof URL) return input.searchParams;
  const text = input.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    try {
      return new URL(text).searchParams;
    } catch {
      // A pasted address that is not a URL is a CallbackError, not a TypeError.
      throw new CallbackError('The pasted address is not a valid URL.');
    }
  }
  const query = text.includes('?') ? text.slice(text.indexOf('?') + 1) : text;
  return new URLSearchParams(query.split('#')[0]);
}

/**
 * Reads the redirect back from Strava: the full URL or just its query string. Checks the state in
 * constant time, turns `error=access_denied` into {@link AuthorizationDeniedError}, and reports the
 * requested scopes the athlete unticked. Scope names Strava does not use today are ignored.
 *
 * @example
 * const { code, scopes, missingScopes } = parseCallback(req.url, { expectedState, requestedScopes });
 */
export function parseCallback(input: string | URL | URLSearchParams, options: CallbackOptions): CallbackResult {
  const params = toParams(input);
  const state = params.get('state');
  // The state is checked before anything else, an error included: a forged "access_denied" must not
  // be able to end a login either.
  if (state === null || state === '') throw new StateMismatchError('missing');
  if (!constantTimeEqual(state, options.expectedState)) throw new StateMismatchError('mismatch');
  return readCallbackUnchecked(params, options.requestedScopes);
}

/**
 * Reads a callback WITHOUT checking its state: only for an address the person pasted themselves
 * when no authorization request is known (the manual `strava-auth exchange` path). Everything
 * else (denial, missing code, granted scopes) is handled as in {@link parseCallback}.
 */
export function readCallbackUnchecked(input: string | URL | URLSearchParams, requestedScopes?: readonly Scope[]): CallbackResult {
  const params = toParams(input);
  const error = params.get('error');
  if (error === 'access_denied') throw new AuthorizationDeniedError();
  if (error) throw new CallbackError(`Strava sent the athlete back with the error "${error}".`, error);
  const code = params.get('code');
  if (!code) throw new CallbackError('The address has no authorization code (code=...) in it.');
  // Strava always grants read, whether or not the scope parameter says so.
  const granted = normalizeScopes(['read', ...(params.get('scope') ?? '').split(/[\s,]+/).filter(isScope)]);
  return {
    code,
    scopes: granted,
    missingScopes: requestedScopes ? missingScopes(requestedScopes, granted) : [],
  };
}

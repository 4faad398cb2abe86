import type { Clock } from './clock.ts';
import { MalformedResponseError } from './errors/malformed-response-error.ts';
import { isScope, type Scope } from './scopes.ts';
import { TokenSet, type AthleteSummary } from './token-set.ts';

/** What is known besides the response body when a token response is read. */
export interface TokenResponseContext {
  /** Scopes granted at login (from the callback); used when the response has no `scope` field. */
  scopes: readonly Scope[];
  /** The athlete of the previous set: refresh responses carry none. */
  athlete?: AthleteSummary | undefined;
  clock: Clock;
}

function fail(what: string, status: number): never {
  throw new MalformedResponseError(what, status);
}

/**
 * Reads a token endpoint answer (code exchange or refresh) into a {@link TokenSet}, or throws
 * {@link MalformedResponseError}: never a half-filled set. The body is never quoted in errors.
 */
export function parseTokenResponse(status: number, text: string, context: TokenResponseContext): TokenSet {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return fail('the body is not JSON', status);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return fail('the body is not a JSON object', status);
  const body = parsed as Record<string, unknown>;
  const { access_token, refresh_token, expires_at, expires_in, token_type, athlete, scope } = body;
  if (typeof access_token !== 'string' || access_token === '') fail('access_token is missing', status);
  if (typeof refresh_token !== 'string' || refresh_token === '') fail('refresh_token is missing', status);
  if (token_type !== undefined && (typeof token_type !== 'string' || token_type.toLowerCase() !== 'bearer')) {
    fail('token_type is not Bearer', status);
  }
  let expiresAt: number;
  if (typeof expires_at === 'number' && Number.isFinite(expires_at)) expiresAt = expires_at;
  else if (typeof expires_in === 'number' && Number.isFinite(expires_in)) expiresAt = Math.floor(context.clock.now() / 1000) + expires_in;
  else return fail('expires_at is missing', status);
  if (athlete !== undefined && athlete !== null && (typeof athlete !== 'object' || typeof (athlete as AthleteSummary).id !== 'number')) {
    fail('athlete has no numeric id', status);
  }
  if (scope !== undefined && scope !== null && typeof scope !== 'string') fail('scope is not a string', status);
  // A refresh response may list the scopes (comma or space separated); otherwise the login's stand.
  const scopes = typeof scope === 'string' ? scope.split(/[\s,]+/).filter(isScope) : [...context.scopes];
  const summary = (athlete as AthleteSummary | null | undefined) ?? context.athlete;
  return TokenSet.fromData({
    accessToken: access_token as string,
    refreshToken: refresh_token as string,
    expiresAt,
    scopes,
    ...(summary ? { athlete: summary } : {}),
  });
}

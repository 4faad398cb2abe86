/**
 * The athlete's answer to an authorize request, however it was given (the HTML form, a consent
 * policy, or an earlier approval under `approval_prompt=auto`), turned into Strava's redirect.
 */
import type { EmulatorContext } from './context.ts';
import { redirect, type EmulatorResponse } from './http.ts';
import { appendToRedirectUri } from './redirect-uri.ts';
import type { PendingConsent } from './state.ts';

/** An authorize request once validated: who asks, for whom, and where to go back. */
export type AuthorizeRequest = Omit<PendingConsent, 'id' | 'createdAtMs'>;

/**
 * Approval: remember the granted scopes for `approval_prompt=auto`, mint a code, and redirect with
 * `state` (always present, maybe empty), `code` and the granted `scope` list.
 */
export function approve(ctx: EmulatorContext, request: AuthorizeRequest, granted: readonly string[]): EmulatorResponse {
  ctx.state.authorize(request.clientId, request.athleteId, [...granted]);
  const code = ctx.state.issueCode(request.clientId, request.athleteId, [...granted]);
  return redirect(
    appendToRedirectUri(request.redirectUri, [
      ['state', request.state],
      ['code', code],
      ['scope', granted.join(',')],
    ]),
  );
}

/** Denial (Cancel): redirect with `state` and `error=access_denied`; nothing is remembered. */
export function deny(request: AuthorizeRequest): EmulatorResponse {
  return redirect(
    appendToRedirectUri(request.redirectUri, [
      ['state', request.state],
      ['error', 'access_denied'],
    ]),
  );
}

/** What the athlete grants out of the requested scopes: all but the unticked ones, `read` always. */
export function scopesAfterUntick(requested: readonly string[], untick: readonly string[] = []): string[] {
  return requested.filter((scope) => scope === 'read' || !untick.includes(scope));
}

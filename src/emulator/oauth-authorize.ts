/**
 * `GET /oauth/authorize` and `GET /oauth/mobile/authorize` (protocol section 1): validate the
 * request, then redirect at once (earlier approval, or a consent policy) or show the consent page.
 * Validation failures are JSON bodies shown in the browser, never redirects.
 */
import { approve, deny, scopesAfterUntick, type AuthorizeRequest } from './consent-outcome.ts';
import { renderCapacityPage, renderConsentPage } from './consent-page.ts';
import type { EmulatorContext } from './context.ts';
import {
  applicationInactive,
  badRequest,
  invalidClientId,
  invalidRedirectUri,
  invalidScope,
} from './errors.ts';
import { fail, html, type EmulatorResponse } from './http.ts';
import { isAllowedRedirectUri } from './redirect-uri.ts';
import type { Handler } from './router.ts';
import { coversScopes, parseScopeParam, withRead } from './scopes.ts';

/** The authorize handler (web and mobile behave alike). */
export function authorizeHandler(ctx: EmulatorContext): Handler {
  return (req) => {
    const query = req.url.searchParams;
    const app = ctx.state.appByParam(query.get('client_id'));
    if (!app) return fail(invalidClientId());
    if (app.inactive) return fail(applicationInactive());
    const redirectUri = query.get('redirect_uri') ?? '';
    if (!isAllowedRedirectUri(redirectUri, app.callbackDomain)) return fail(invalidRedirectUri());
    // The protocol does not record Strava's answer to a wrong response_type; this mirrors the scope row.
    if (query.get('response_type') !== 'code') return fail(badRequest('Authorize', 'response_type', 'invalid'));
    const requested = parseScopeParam(query.get('scope') ?? undefined);
    if (!requested) return fail(invalidScope());

    const consent = ctx.settings.consent;
    const athlete = ctx.state.ensureAthlete(consent?.athleteId ?? ctx.state.defaultAthleteId());
    if (!ctx.state.hasCapacityFor(app.clientId, athlete.id)) return html(403, renderCapacityPage(app));

    const request: AuthorizeRequest = {
      clientId: app.clientId,
      athleteId: athlete.id,
      redirectUri,
      state: query.get('state') ?? '',
      scopes: withRead(requested),
    };
    if (skipsConsentPage(ctx, request, query.get('approval_prompt'))) return approve(ctx, request, request.scopes);
    if (consent) {
      return consent.policy === 'approve' ? approve(ctx, request, scopesAfterUntick(request.scopes, consent.untick)) : deny(request);
    }
    return showConsentPage(ctx, request);
  };
}

/**
 * `approval_prompt=auto` (the default) skips the page when this athlete already granted this app
 * every requested scope. Any other value shows it: `force` as documented, and also `prompt`, which
 * some clients (strava-v3) send; showing the page is the answer that cannot hide a missing scope.
 */
function skipsConsentPage(ctx: EmulatorContext, request: AuthorizeRequest, approvalPrompt: string | null): boolean {
  if ((approvalPrompt ?? 'auto') !== 'auto') return false;
  const granted = ctx.state.authorizedScopes(request.clientId, request.athleteId);
  return granted !== undefined && coversScopes(granted, request.scopes);
}

function showConsentPage(ctx: EmulatorContext, request: AuthorizeRequest): EmulatorResponse {
  const app = ctx.state.app(request.clientId);
  const athlete = ctx.state.athlete(request.athleteId);
  if (!app || !athlete) throw new Error('Consent page for an unknown app or athlete.');
  const pending = ctx.state.addPendingConsent(request);
  ctx.stats.count('consentPagesShown');
  return html(200, renderConsentPage(app, athlete, pending));
}

/**
 * `POST /oauth/token` and `POST /api/v3/oauth/token` (protocol section 2). Client credentials
 * travel in the parameters (form, multipart, JSON or query string); HTTP Basic is ignored, as on
 * Strava, so a client that only sends Basic gets "client_secret invalid". No rate-limit headers.
 */
import type { EmulatorContext } from './context.ts';
import {
  applicationInactive,
  badRequest,
  invalidClientId,
  invalidClientSecret,
  invalidCode,
  invalidRefreshToken,
} from './errors.ts';
import { fail, json, readParams, type EmulatorResponse } from './http.ts';
import type { Handler } from './router.ts';
import type { EmulatorState, Grant, RefreshOutcome } from './state.ts';
import type { AppConfig, RefreshResponse, TokenResponse } from './types.ts';

/** The token endpoint handler. */
export function tokenHandler(ctx: EmulatorContext): Handler {
  return async (req) => {
    const params = await readParams(req);
    const app = ctx.state.appByParam(params.get('client_id'));
    if (!app) return fail(invalidClientId());
    if (params.get('client_secret') !== app.clientSecret) return fail(invalidClientSecret());
    if (app.inactive) return fail(applicationInactive());
    switch (params.get('grant_type')) {
      case 'authorization_code':
        return exchangeCode(ctx, app, params.get('code') ?? '');
      case 'refresh_token':
        return refresh(ctx, app, params.get('refresh_token') ?? '');
      default:
        // Not recorded in the protocol; shaped like its other parameter errors.
        return fail(badRequest('Application', 'grant_type', 'invalid'));
    }
  };
}

function exchangeCode(ctx: EmulatorContext, app: AppConfig, code: string): EmulatorResponse {
  const entry = ctx.state.takeCode(code, app.clientId);
  if (!entry) {
    ctx.stats.count('rejectedCodes');
    return fail(invalidCode());
  }
  const grant = ctx.state.createGrant(entry.clientId, entry.athleteId, entry.scopes);
  ctx.stats.grant('authorization_code');
  return json(200, codeExchangeResponse(ctx.state, grant));
}

function refresh(ctx: EmulatorContext, app: AppConfig, refreshToken: string): EmulatorResponse {
  const outcome = ctx.state.refresh(refreshToken, app.clientId, ctx.settings.rotateRefreshTokens);
  if (!outcome) {
    ctx.stats.count('rejectedRefreshTokens');
    return fail(invalidRefreshToken());
  }
  ctx.stats.grant('refresh_token');
  if (outcome.sameAccessToken) ctx.stats.count('refreshesWithSameAccessToken');
  return json(200, refreshResponse(ctx.state, outcome));
}

/** The body of a code exchange for a fresh grant: tokens plus the summary athlete. */
export function codeExchangeResponse(state: EmulatorState, grant: Grant): TokenResponse {
  const access = state.currentAccessToken(grant);
  const athlete = state.athlete(grant.athleteId);
  if (!athlete) throw new Error(`Grant ${grant.id} names unknown athlete ${grant.athleteId}.`);
  return {
    token_type: 'Bearer',
    expires_at: access.expiresAt,
    expires_in: access.expiresAt - state.nowSeconds(),
    refresh_token: grant.refreshToken,
    access_token: access.token,
    athlete,
  };
}

/** The body of a refresh: `expires_in` is what is left, which differs from 21600 for a reused token. */
function refreshResponse(state: EmulatorState, outcome: RefreshOutcome): RefreshResponse {
  return {
    token_type: 'Bearer',
    access_token: outcome.access.token,
    expires_at: outcome.access.expiresAt,
    expires_in: outcome.access.expiresAt - state.nowSeconds(),
    refresh_token: outcome.grant.refreshToken,
  };
}

/**
 * Minting tokens without the browser step, for tests of token managers and for benches: the same
 * records and the same response body as an authorize + code exchange would leave.
 */
import type { EmulatorContext } from './context.ts';
import { codeExchangeResponse } from './oauth-token.ts';
import { isScope } from '../core/scopes.ts';
import { withRead } from './scopes.ts';
import type { IssueTokensOptions, TokenResponse } from './types.ts';

/**
 * Mints a grant as if the athlete had approved `scopes` (plus `read`, which Strava always grants).
 * Athlete capacity is not enforced: this is a test's back door. Throws on an unknown app or scope.
 */
export function issueTokens(ctx: EmulatorContext, options: IssueTokensOptions): TokenResponse {
  const clientId = options.clientId ?? ctx.defaultApp.clientId;
  if (!ctx.state.app(clientId)) throw new Error(`No emulator app has client id ${clientId}.`);
  if (!Array.isArray(options.scopes)) throw new Error('scopes must be a list of Strava scopes.');
  const unknown = options.scopes.filter((scope) => !isScope(scope));
  if (unknown.length > 0) throw new Error(`Unknown Strava scope(s): ${unknown.join(', ')}.`);
  const athleteId = options.athleteId ?? ctx.state.defaultAthleteId();
  if (!(Number.isSafeInteger(athleteId) && athleteId > 0)) throw new Error('athleteId must be a positive integer.');
  ctx.state.ensureAthlete(athleteId);
  const scopes = withRead(options.scopes);
  ctx.state.authorize(clientId, athleteId, scopes);
  return codeExchangeResponse(ctx.state, ctx.state.createGrant(clientId, athleteId, scopes));
}

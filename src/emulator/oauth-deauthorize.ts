/**
 * `POST /oauth/deauthorize` (protocol section 3, legacy until 2027-06-01): the access token comes
 * as `Authorization: Bearer` or as an `access_token` parameter. Every token the app holds for the
 * athlete dies and the app leaves the athlete's settings; the app's push subscription, if any, gets
 * the deauthorization event (sent after the answer, retried on its own).
 */
import type { EmulatorContext } from './context.ts';
import { bearerToken, fail, json, readParams } from './http.ts';
import type { Handler } from './router.ts';

/** The deauthorize handler. */
export function deauthorizeHandler(ctx: EmulatorContext): Handler {
  return async (req) => {
    // The header is tried first: it is the only form that keeps working after 2027-06-01.
    const token = bearerToken(req.headers.authorization) ?? (await readParams(req)).get('access_token');
    const check = ctx.state.checkAccessToken(token);
    if (!check.ok) return fail(check.failure);
    ctx.state.deauthorize(check.clientId, check.athlete.id);
    ctx.webhooks.emitDeauthorization(check.clientId, check.athlete.id);
    // Strava answers with the token it just invalidated.
    return json(200, { access_token: token });
  };
}

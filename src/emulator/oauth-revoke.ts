/**
 * `POST /oauth/revoke` (protocol section 3, new since June 2026): the app authenticates with HTTP
 * Basic `client_id:client_secret` and names one token in the form; the whole grant dies.
 *
 * Choices where the protocol is silent:
 * - bad or missing Basic credentials: 401 "app-level failure" (Application / "" / invalid), the
 *   error-table row for client authentication outside the token endpoint;
 * - no `token` parameter: 400 Token / token / missing (a request error, unlike an unknown token);
 * - a token of another app: 200 and nothing revoked, like an unknown token;
 * - the athlete's authorization stays (only `/oauth/deauthorize` removes the app from settings).
 */
import type { EmulatorContext } from './context.ts';
import { applicationInactive, applicationInvalid, badRequest } from './errors.ts';
import { basicCredentials, fail, json, readParams } from './http.ts';
import type { Handler } from './router.ts';

/** The revoke handler. */
export function revokeHandler(ctx: EmulatorContext): Handler {
  return async (req) => {
    const credentials = basicCredentials(req);
    const app = ctx.state.appByParam(credentials?.username);
    if (!app || credentials?.password !== app.clientSecret) return fail(applicationInvalid());
    if (app.inactive) return fail(applicationInactive());
    const token = (await readParams(req)).get('token');
    if (!token) return fail(badRequest('Token', 'token', 'missing'));
    // token_type_hint only speeds up a lookup on Strava; both kinds are found here either way.
    ctx.state.revoke(token, app.clientId);
    return json(200, {});
  };
}

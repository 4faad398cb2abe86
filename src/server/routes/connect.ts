import { Hono, type Context } from 'hono';
import type { Clock } from '../../core/clock.ts';
import { parseCallback } from '../../core/callback.ts';
import { AuthorizationRequest } from '../../core/authorization-request.ts';
import { joinUrl } from '../../core/endpoints.ts';
import { CallbackError } from '../../core/errors/callback-error.ts';
import { AuthorizationDeniedError } from '../../core/errors/authorization-denied-error.ts';
import { InvalidCodeError } from '../../core/errors/invalid-code-error.ts';
import { StravaAuthError } from '../../core/errors/strava-auth-error.ts';
import { isScope, parseScopes, type Scope } from '../../core/scopes.ts';
import { exchangeCode, type OAuthConfig } from '../../core/token-endpoint.ts';
import type { AthleteTokens } from '../athlete-tokens.ts';
import { errorAnswer } from '../error-response.ts';
import { connectedPage, failurePage } from '../pages.ts';
import type { ServiceLog } from '../service-log.ts';
import type { PendingLogin, ServiceStore } from '../service-store.ts';

/** How long a started connect may take before its state is refused. */
export const PENDING_LOGIN_TTL_MS = 10 * 60 * 1000;

/** How many unexpired pending logins a service keeps at most, unless told otherwise. */
export const DEFAULT_MAX_PENDING_LOGINS = 10_000;

/** What a refused `/connect` asks the browser to wait: places free up as connects finish, or expire after 10 minutes. */
const FULL_RETRY_AFTER_SECONDS = 60;

/** At most one warning a minute per replica while connects are refused: a flood must not flood the log. */
const FULL_WARN_INTERVAL_MS = 60_000;

/** What the browser routes need. */
export interface ConnectRoutesOptions {
  athletes: AthleteTokens;
  serviceStore: ServiceStore;
  oauth: OAuthConfig;
  /** The service's public origin (and path prefix), e.g. `https://tokens.example.com`. */
  publicUrl: () => string;
  /** URL prefixes `return_to` may start with (exact origin and path prefix). */
  allowedReturnTo: readonly string[];
  clock: Clock;
  log: ServiceLog;
  /**
   * Unexpired pending logins kept at most, across every replica on the store (default
   * {@link DEFAULT_MAX_PENDING_LOGINS}): `/connect` needs no key, so this bounds what anyone can
   * make the service store. When full, `/connect` answers 503 until logins complete or expire.
   */
  maxPendingLogins?: number | undefined;
}

/** Whether `url` is an absolute http(s) URL under one of the allowed prefixes. */
export function isAllowedReturnTo(url: string, allowed: readonly string[]): boolean {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return false;
  }
  if (target.protocol !== 'https:' && target.protocol !== 'http:') return false;
  if (target.username || target.password) return false;
  return allowed.some((prefix) => {
    let base: URL;
    try {
      base = new URL(prefix);
    } catch {
      return false;
    }
    if (base.origin !== target.origin) return false;
    const path = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
    return target.pathname === base.pathname || target.pathname.startsWith(path);
  });
}

/** An HTML answer that no cache keeps and no Referer carries on (the URL holds a one-time code). */
function html(c: Context, status: 200 | 400 | 403 | 410 | 502 | 503 | 500, body: string): Response {
  c.header('cache-control', 'no-store');
  c.header('referrer-policy', 'no-referrer');
  c.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'; frame-ancestors 'none'");
  return c.html(body, status);
}

/** The page for a failure that is not the athlete's doing (a store outage, Strava down). */
function failedPage(c: Context, error: unknown, now: number, log: ServiceLog, retry?: string): Response {
  const answer = errorAnswer(error, now);
  log('error', 'connect failed', { code: answer.code, error: error instanceof Error ? error.name : typeof error });
  if (answer.retryAfter !== undefined) c.header('retry-after', String(answer.retryAfter));
  return html(c, answer.status as 502, failurePage('Connecting failed', `${answer.message} ${answer.remedy}`, retry));
}

/**
 * The browser side: `GET /connect` sends the athlete to Strava's consent page with a state kept in
 * the service store; `GET /callback` takes that state (once, on any replica), exchanges the code
 * and stores the tokens under the athlete id.
 */
export function connectRoutes(options: ConnectRoutesOptions): Hono {
  const { athletes, serviceStore, oauth, clock, log } = options;
  const maxPendingLogins = options.maxPendingLogins ?? DEFAULT_MAX_PENDING_LOGINS;
  if (!Number.isSafeInteger(maxPendingLogins) || maxPendingLogins < 1) throw new RangeError('maxPendingLogins must be a positive integer.');
  const warnFull = fullWarning(log, maxPendingLogins);
  const app = new Hono();
  const connectUrl = (scopes: readonly string[], returnTo?: string) => {
    const url = new URL(joinUrl(options.publicUrl(), '/connect'));
    url.searchParams.set('scope', scopes.join(','));
    if (returnTo) url.searchParams.set('return_to', returnTo);
    return url.toString();
  };

  app.get('/connect', async (c) => {
    let scopes: Scope[];
    try {
      scopes = parseScopes(c.req.query('scope') ?? 'read', () => {});
    } catch (error) {
      return html(c, 400, failurePage('Unknown permission', error instanceof StravaAuthError ? error.message : 'The scope list is not valid.'));
    }
    const returnTo = c.req.query('return_to');
    if (returnTo !== undefined && !isAllowedReturnTo(returnTo, options.allowedReturnTo)) {
      return html(c, 400, failurePage('Unknown return address', 'This service does not send athletes back to that address. The app that sent you here needs to register it (serve --return-to).'));
    }
    const request = AuthorizationRequest.create({
      clientId: oauth.clientId,
      redirectUri: joinUrl(options.publicUrl(), '/callback'),
      scopes,
      // Asking again for unticked scopes needs the consent page even when a grant exists.
      approvalPrompt: 'force',
      ...(oauth.baseUrl ? { baseUrl: oauth.baseUrl } : {}),
    });
    const now = clock.now();
    let stored: boolean;
    try {
      const login = { scopes: [...request.scopes], ...(returnTo ? { returnTo } : {}), createdAt: now, expiresAt: now + PENDING_LOGIN_TTL_MS };
      stored = await serviceStore.putPendingLogin(request.state, login, maxPendingLogins);
    } catch (error) {
      return failedPage(c, error, now, log);
    }
    if (!stored) {
      warnFull(now);
      c.header('retry-after', String(FULL_RETRY_AFTER_SECONDS));
      return html(
        c,
        503,
        failurePage(
          'Too many connects right now',
          'This service has too many connects in progress to start another one. Nothing was stored. Please try again in a minute.',
          connectUrl(request.scopes, returnTo),
        ),
      );
    }
    c.header('cache-control', 'no-store');
    return c.redirect(request.url.toString(), 302);
  });

  app.get('/callback', async (c) => {
    const url = new URL(c.req.url);
    const state = url.searchParams.get('state');
    let pending: PendingLogin | undefined;
    try {
      pending = state ? await serviceStore.takePendingLogin(state) : undefined;
    } catch (error) {
      return failedPage(c, error, clock.now(), log);
    }
    if (!state || !pending) {
      log('warn', 'callback refused: unknown or reused state', { has_state: Boolean(state) });
      return html(
        c,
        400,
        failurePage(
          'This link is not valid',
          'This answer from Strava does not belong to a connect started here, or it was already used (a link works once). Nothing was stored.',
          connectUrl(['read']),
        ),
      );
    }
    const retry = connectUrl(pending.scopes, pending.returnTo);
    if (pending.expiresAt < clock.now()) {
      return html(c, 400, failurePage('This connect took too long', 'The connect expired before Strava answered. Nothing was stored.', retry));
    }
    const requested = pending.scopes.filter(isScope);
    try {
      const result = parseCallback(url, { expectedState: state, requestedScopes: requested });
      const tokens = await exchangeCode(oauth, result.code, { scopes: result.scopes });
      const athlete = tokens.athlete;
      if (!athlete || !Number.isSafeInteger(athlete.id) || athlete.id <= 0) {
        return html(c, 502, failurePage('Strava did not say who you are', 'Strava answered without the athlete; nothing was stored. Try again.', retry));
      }
      await athletes.save(tokens, athlete.id);
      log('info', 'athlete connected', { athlete_id: athlete.id, scopes: result.scopes.join(','), missing: result.missingScopes.join(',') });
      if (pending.returnTo) {
        const target = new URL(pending.returnTo);
        target.searchParams.set('athlete_id', String(athlete.id));
        target.searchParams.set('scopes', result.scopes.join(','));
        if (result.missingScopes.length) target.searchParams.set('missing_scopes', result.missingScopes.join(','));
        c.header('cache-control', 'no-store');
        return c.redirect(target.toString(), 302);
      }
      const name = [athlete.firstname, athlete.lastname].filter((part) => typeof part === 'string' && part).join(' ') || `Athlete ${athlete.id}`;
      return html(
        c,
        200,
        connectedPage({ athlete: name, athleteId: athlete.id, granted: result.scopes, missing: result.missingScopes, askAgainUrl: connectUrl(requested, pending.returnTo) }),
      );
    } catch (error) {
      if (error instanceof AuthorizationDeniedError) {
        log('info', 'athlete declined the connect', {});
        return html(c, 403, failurePage('You declined', 'You chose not to connect your Strava account, so nothing was stored. You can connect any time.', retry));
      }
      if (error instanceof InvalidCodeError) {
        log('warn', 'callback refused: Strava rejected the code', { code: error.code });
        return html(c, 400, failurePage('This link was already used', 'Strava refused the authorization code: it was already used or has expired (a code works once, for a few minutes). Nothing was stored.', retry));
      }
      if (error instanceof CallbackError) {
        return html(c, 400, failurePage('Strava sent you back without a grant', 'The answer from Strava holds no authorization code. Nothing was stored.', retry));
      }
      return failedPage(c, error, clock.now(), log, retry);
    }
  });
  return app;
}

/**
 * The warning of a full pending-login table: the first refusal is logged at once, later ones at
 * most once per {@link FULL_WARN_INTERVAL_MS}, each line counting the refusals since the last.
 */
function fullWarning(log: ServiceLog, max: number): (now: number) => void {
  let lastAt = Number.NEGATIVE_INFINITY;
  let refused = 0;
  return (now) => {
    refused++;
    if (now - lastAt < FULL_WARN_INTERVAL_MS) return;
    log('warn', 'connect refused: too many pending logins', { max_pending_logins: max, refused });
    lastAt = now;
    refused = 0;
  };
}

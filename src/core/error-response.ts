import type { Clock } from './clock.ts';
import { AppInactiveError } from './errors/app-inactive-error.ts';
import { ApplicationError } from './errors/application-error.ts';
import { AthleteCapacityError } from './errors/athlete-capacity-error.ts';
import { CallbackNotVerifiedError } from './errors/callback-not-verified-error.ts';
import { InvalidAccessTokenError } from './errors/invalid-access-token-error.ts';
import { InvalidClientError } from './errors/invalid-client-error.ts';
import { InvalidCodeError } from './errors/invalid-code-error.ts';
import { InvalidRefreshTokenError } from './errors/invalid-refresh-token-error.ts';
import { InvalidScopeError } from './errors/invalid-scope-error.ts';
import { MissingScopeError } from './errors/missing-scope-error.ts';
import { NotFoundError } from './errors/not-found-error.ts';
import { RateLimitError } from './errors/rate-limit-error.ts';
import { StravaServerError } from './errors/server-error.ts';
import { SubscriptionExistsError } from './errors/subscription-exists-error.ts';
import { StravaApiError, describeFaults, type StravaFault } from './errors/strava-api-error.ts';
import type { StravaAuthError } from './errors/strava-auth-error.ts';
import { parseRateLimitHeaders, rateLimitReset } from './rate-limit.ts';
import type { ReadResponse } from './http.ts';
import { loginCommandFor, type LoginCommand } from './login-command.ts';
import type { Redactor } from './redactor.ts';
import { SCOPES, isScope, type Scope } from './scopes.ts';

/** What the caller knows about the failed request, to make the error precise. */
export interface ErrorContext {
  /** The call, e.g. `POST /oauth/token` or `GET /athlete/activities`. */
  endpoint: string;
  clock: Clock;
  /** Scopes the token was granted, for {@link MissingScopeError}. */
  grantedScopes?: readonly Scope[];
  /**
   * The command that logs in again, for errors whose remedy is a login; a function is called only
   * when such an error is built, with the scopes a missing scope's fix asks for (none otherwise).
   */
  loginCommand?: LoginCommand | undefined;
  /**
   * The secrets the request carried (token, client secret, Basic credentials, code): a server
   * that echoes the request must not put them into the error.
   */
  redactor?: Redactor;
}

interface ErrorBody {
  message?: string;
  faults: StravaFault[];
  text: string;
}

/** The body with every known secret taken out of every string in it, before any error sees it. */
function redactBody(body: ErrorBody, redactor: Redactor | undefined): ErrorBody {
  if (!redactor) return body;
  return {
    ...(body.message === undefined ? {} : { message: redactor.redact(body.message) }),
    faults: redactor.redactValue(body.faults),
    text: redactor.redact(body.text),
  };
}

function readBody(text: string): ErrorBody {
  try {
    const json = JSON.parse(text) as { message?: unknown; errors?: unknown };
    const faults = Array.isArray(json.errors)
      ? json.errors
          .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null)
          .map((e) => ({ resource: String(e.resource ?? ''), field: String(e.field ?? ''), code: String(e.code ?? '') }))
      : [];
    return { message: typeof json.message === 'string' ? json.message : undefined, faults, text };
  } catch {
    return { faults: [], text };
  }
}

/** `activity:read_permission` → `activity:read`. */
function scopeFromPermissionField(field: string): Scope | undefined {
  const name = field.replace(/_permission$/, '');
  return isScope(name) ? name : undefined;
}

/**
 * Turns a non-2xx answer of Strava into the typed error for its shape (protocol section 4).
 * Unrecognized shapes become a plain {@link StravaApiError} with the status and faults kept.
 */
export function errorFromResponse(status: number, headers: Headers, text: string, context: ErrorContext): StravaAuthError {
  // Every string of the server's answer enters an error through here, so this is where secrets
  // the request carried are taken out.
  const body = redactBody(readBody(text), context.redactor);
  const base = { status, faults: body.faults, stravaMessage: body.message };
  const has = (resource: string | RegExp, field?: string | RegExp, code?: string | RegExp): StravaFault | undefined =>
    body.faults.find(
      (f) =>
        (typeof resource === 'string' ? f.resource === resource : resource.test(f.resource)) &&
        (field === undefined || (typeof field === 'string' ? f.field === field : field.test(f.field))) &&
        (code === undefined || (typeof code === 'string' ? f.code === code : code.test(f.code))),
    );

  if (status === 429) {
    const rateLimit = parseRateLimitHeaders(headers);
    const { window, resetsAt } = rateLimitReset(rateLimit, context.clock.now());
    return new RateLimitError({ ...base, resetsAt, window, ...(rateLimit ? { rateLimit } : {}) });
  }
  const permission = has('AccessToken', /_permission$/);
  if (permission) {
    const scope = scopeFromPermissionField(permission.field);
    return new MissingScopeError({
      missing: [scope ?? permission.field],
      granted: context.grantedScopes ?? [],
      endpoint: context.endpoint,
      status,
      faults: body.faults,
      loginCommand: context.loginCommand,
    });
  }
  const login = { loginCommand: loginCommandFor(context.loginCommand) };
  if (has('RefreshToken')) return new InvalidRefreshTokenError({ ...base, ...login });
  if (has(/^(AuthorizationCode|RequestToken)$/) || has(/.*/, '', 'expired')) return new InvalidCodeError({ ...base, ...login });
  if (has('Athlete', 'access_token')) return new InvalidAccessTokenError({ ...base, ...login });
  const client = has('Application', /^(client_id|client_secret|redirect_uri)$/);
  if (client) return new InvalidClientError(client.field as 'client_id' | 'client_secret' | 'redirect_uri', base);
  if (has('Application', /^status$/i, /^inactive$/i)) return new AppInactiveError(base);
  if (has('Application')) return new ApplicationError(base);
  // Push subscriptions (protocol section 6); the `code` of a failed check varies ("not verifiable",
  // "GET to callback URL does not return 200"), so the field decides.
  if (has('PushSubscription', 'callback url', /^(?!invalid$)/)) return new CallbackNotVerifiedError(base);
  if (has(/^(PushSubscription)?$/, /.*/, /already exists/i)) return new SubscriptionExistsError(base);
  if (has('Authorize', 'scope')) return new InvalidScopeError(['(the requested list)'], SCOPES);
  if (status === 403 && /limit of connected athletes/i.test(body.text)) return new AthleteCapacityError(base);
  if (status === 404) return new NotFoundError(context.endpoint, base);
  if (status >= 500) return new StravaServerError(base);
  const detail = body.faults.length > 0 ? ` (${describeFaults(body.faults)})` : '';
  return new StravaApiError(`Strava answered ${context.endpoint} with HTTP ${status} ${body.message ?? ''}${detail}.`.replace(/ \./, '.').replace(/ {2,}/g, ' '), {
    ...base,
    code: 'strava_error',
    remedy: 'Check the request against https://developers.strava.com/docs/reference/.',
  });
}

/**
 * The status check every process step starts with: a 2xx answer is returned as is, any other
 * becomes the typed error of its shape ({@link errorFromResponse}). Pure: the body was read already.
 */
export function assertOk(response: ReadResponse, context: ErrorContext): ReadResponse {
  if (response.status >= 200 && response.status <= 299) return response;
  throw errorFromResponse(response.status, response.headers, response.text, context);
}

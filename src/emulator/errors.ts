/**
 * Strava's error bodies, one builder per row of the protocol's error table (section 4).
 * Strava sends compact JSON `{"message":...,"errors":[{"resource","field","code"}]}`; the keys keep
 * that order so a byte comparison against a recorded response holds.
 */

/** One entry of Strava's `errors` array. */
export interface StravaErrorDetail {
  resource: string;
  field: string;
  code: string;
}

/** The JSON body of every Strava error. */
export interface StravaErrorBody {
  message: string;
  errors: StravaErrorDetail[];
}

/** An error answer before it is written: status plus body. */
export interface StravaFailure {
  status: number;
  body: StravaErrorBody;
}

function failure(status: number, message: string, resource: string, field: string, code: string): StravaFailure {
  return { status, body: { message, errors: [{ resource, field, code }] } };
}

/** 400 Bad Request with one error entry (also used for rules the protocol leaves open). */
export function badRequest(resource: string, field: string, code: string): StravaFailure {
  return failure(400, 'Bad Request', resource, field, code);
}

/** 401: invalid, expired, revoked or missing access token. */
export const invalidAccessToken = (): StravaFailure =>
  failure(401, 'Authorization Error', 'Athlete', 'access_token', 'invalid');

/** 401: the token lacks a scope; `permission` is e.g. `activity:read_permission`. */
export const missingScope = (permission: string): StravaFailure =>
  failure(401, 'Authorization Error', 'AccessToken', permission, 'missing');

/** 401: app-level failure (bad client credentials where Basic auth is required: `/oauth/revoke`). */
export const applicationInvalid = (): StravaFailure =>
  failure(401, 'Authorization Error', 'Application', '', 'invalid');

/** 400: unknown, reused, expired or foreign authorization code. */
export const invalidCode = (): StravaFailure => badRequest('AuthorizationCode', 'code', 'invalid');

/** 400: unknown, revoked or rotated-away refresh token. */
export const invalidRefreshToken = (): StravaFailure => badRequest('RefreshToken', 'refresh_token', 'invalid');

/** 400: unknown or malformed client_id. */
export const invalidClientId = (): StravaFailure => badRequest('Application', 'client_id', 'invalid');

/** 400: missing or wrong client_secret (also when it was only sent with HTTP Basic). */
export const invalidClientSecret = (): StravaFailure => badRequest('Application', 'client_secret', 'invalid');

/** 400: redirect_uri outside the app's Authorization Callback Domain. */
export const invalidRedirectUri = (): StravaFailure => badRequest('Application', 'redirect_uri', 'invalid');

/** 400: scope list with spaces, legacy or unknown names. */
export const invalidScope = (): StravaFailure => badRequest('Authorize', 'scope', 'invalid');

/** 403: app without a developer subscription. */
export const applicationInactive = (): StravaFailure =>
  failure(403, 'Forbidden', 'Application', 'Status', 'Inactive');

/** 429: over a rate limit (for the API side). */
export const rateLimitExceeded = (): StravaFailure =>
  failure(429, 'Rate Limit Exceeded', 'Application', 'rate limit', 'exceeded');

/** 404: what Strava's API answers for a path it does not know. */
export const notFound = (): StravaFailure => failure(404, 'Record Not Found', 'resource', 'path', 'invalid');

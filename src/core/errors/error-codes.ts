/**
 * Every `code` a strava-auth error can carry, in one table: `error.code` is typed from it, so a
 * program can switch on codes with the compiler checking each case, and the CLI maps each code to
 * its exit code in one place (src/cli/exit-codes.ts). Codes are stable: a new failure gets a new
 * code, an existing code never changes meaning.
 */
export const ERROR_CODES = {
  // Strava answered with an error (each one a StravaApiError).
  /** Strava answered with an error no other code covers. */
  strava_error: 'strava_error',
  /** Strava does not know the client id. */
  invalid_client_id: 'invalid_client_id',
  /** Strava refused the client secret. */
  invalid_client_secret: 'invalid_client_secret',
  /** The redirect URI is outside the app's Authorization Callback Domain. */
  invalid_redirect_uri: 'invalid_redirect_uri',
  /** The authorization code is wrong, expired or already used. */
  invalid_code: 'invalid_code',
  /** Strava refused the refresh token: only a new authorization helps. */
  invalid_refresh_token: 'invalid_refresh_token',
  /** Strava refused the access token. */
  invalid_access_token: 'invalid_access_token',
  /** The token lacks a scope the call needs (found before sending, or answered by Strava). */
  missing_scope: 'missing_scope',
  /** Strava refused the application (another `Application` fault). */
  application_invalid: 'application_invalid',
  /** The application is inactive on Strava. */
  app_inactive: 'app_inactive',
  /** The application reached its limit of connected athletes. */
  athlete_capacity: 'athlete_capacity',
  /** 404 from Strava. */
  not_found: 'not_found',
  /** Strava could not verify a push subscription's callback URL. */
  callback_not_verified: 'callback_not_verified',
  /** The application already has a push subscription. */
  push_subscription_exists: 'push_subscription_exists',
  /** Strava's rate limit is used up (429). */
  rate_limited: 'rate_limited',
  /** Strava answered 5xx. */
  server_error: 'server_error',

  // The authorization step and other input checked before anything is sent.
  /** A scope name Strava does not know. */
  invalid_scope: 'invalid_scope',
  /** The athlete declined on Strava's consent page. */
  access_denied: 'access_denied',
  /** The callback's `state` is not the one this authorization sent. */
  state_mismatch: 'state_mismatch',
  /** The callback URL carries neither a code nor an error. */
  invalid_callback: 'invalid_callback',
  /** A push subscription callback URL Strava would refuse. */
  invalid_callback_url: 'invalid_callback_url',
  /** A stored pending login is older than its maximum age. */
  authorization_expired: 'authorization_expired',
  /** A stored pending login is malformed, altered, or made for another app or redirect URI. */
  invalid_pending_login: 'invalid_pending_login',

  // Transport.
  /** No answer: DNS, connection refused or reset. */
  network_error: 'network_error',
  /** No answer within the request timeout. */
  request_timeout: 'request_timeout',
  /** The answer was larger than the response cap. */
  response_too_large: 'response_too_large',
  /** The answer was not what the protocol promises. */
  malformed_response: 'malformed_response',

  // Tokens and their stores.
  /** No tokens are stored under this key. */
  not_logged_in: 'not_logged_in',
  /** The access token expired and the token provider did not renew it. */
  token_expired: 'token_expired',
  /** A token key the stores refuse. */
  invalid_key: 'invalid_key',
  /** Waited too long for another process's refresh. */
  lock_timeout: 'lock_timeout',
  /** The `onRefresh` hook threw. */
  on_refresh_failed: 'on_refresh_failed',
  /** New tokens could not be saved. */
  tokens_not_saved: 'tokens_not_saved',
  /** Imported tokens would drop scopes the stored ones have, and replacing was not asked for. */
  scopes_not_imported: 'scopes_not_imported',
  /** The store cannot be reached (a database down, a directory not writable). */
  store_unavailable: 'store_unavailable',
  /** The store's tables are not what this release can use. */
  store_schema: 'store_schema',
  /** A stored record cannot be read back. */
  corrupt_record: 'corrupt_record',
  /** A token file cannot be read back. */
  corrupt_token_file: 'corrupt_token_file',
  /** An encryption key that is not 32 bytes of base64. */
  invalid_encryption_key: 'invalid_encryption_key',
  /** The tokens are encrypted and no key was given. */
  encryption_key_missing: 'encryption_key_missing',
  /** The tokens were encrypted with a key that was not given. */
  unknown_encryption_key: 'unknown_encryption_key',
  /** Encrypted tokens did not open. */
  decryption_failed: 'decryption_failed',
  /** The `pg` driver is not installed. */
  postgres_driver_missing: 'postgres_driver_missing',

  // Uploads.
  /** The file is over Strava's upload size limit. */
  upload_too_large: 'upload_too_large',
  /** The file's data type cannot be told from its name. */
  upload_format_unknown: 'upload_format_unknown',
  /** Strava could not turn the upload into an activity. */
  upload_failed: 'upload_failed',
  /** The file was uploaded before. */
  upload_duplicate: 'upload_duplicate',
  /** The upload was still processing when the wait ended. */
  upload_timeout: 'upload_timeout',

  // Webhooks and the local servers (serve, the emulator, the login callback).
  /** A forwarded event's signature does not verify. */
  invalid_webhook_signature: 'invalid_webhook_signature',
  /** Forwarding events needs a secret and none was given. */
  forward_secret_missing: 'forward_secret_missing',
  /** A local server refused a malformed request. */
  request_rejected: 'request_rejected',
  /** An emulator control value out of range. */
  invalid_control_value: 'invalid_control_value',

  // The token service's API (strava-auth serve).
  /** No or an unknown API key. */
  unauthorized: 'unauthorized',
  /** The service has no tokens for this athlete. */
  athlete_not_found: 'athlete_not_found',
  /** The athlete revoked the app's access. */
  athlete_revoked: 'athlete_revoked',
  /** Strava refused the athlete's refresh token. */
  refresh_token_invalid: 'refresh_token_invalid',
  /** A request to the service with a bad parameter. */
  invalid_request: 'invalid_request',
  /** Strava could not be reached to refresh or revoke. */
  strava_unavailable: 'strava_unavailable',

  // The command line.
  /** A usage mistake: unknown flag, missing argument, a value out of range. */
  usage_error: 'usage_error',
  /** No client id or secret is configured. */
  missing_credentials: 'missing_credentials',
  /** A profile file cannot be read. */
  corrupt_profile: 'corrupt_profile',
  /** The login waited for the browser longer than its timeout. */
  login_timeout: 'login_timeout',
} as const;

/** The stable code of a strava-auth error; see {@link ERROR_CODES}. */
export type StravaAuthErrorCode = keyof typeof ERROR_CODES;

/** Whether a string is one of the {@link ERROR_CODES} (e.g. a code read back from a store or a JSON body). */
export function isStravaAuthErrorCode(value: unknown): value is StravaAuthErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

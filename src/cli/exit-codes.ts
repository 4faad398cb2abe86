import type { StravaAuthErrorCode } from '../core/errors/error-codes.ts';

/**
 * Exit codes of every strava-auth command. Stable: scripts may branch on them.
 * Listed in `strava-auth --help` and the README.
 */
export const EXIT = {
  /** It worked. */
  ok: 0,
  /** A bug: something strava-auth did not expect; the message says what. */
  error: 1,
  /** The command line or its input was wrong: unknown flag or scope, missing argument or credentials, a file or setting that cannot be used. */
  usage: 2,
  /** Not logged in, or the login is no longer valid (refresh token dead, consent declined, state refused). */
  auth: 3,
  /** The token lacks a scope the call needs, or the athlete unticked a requested scope. */
  scope: 4,
  /** Strava's rate limit is used up (429). */
  rateLimit: 5,
  /** Strava (or the token store) could not be reached, or answered 5xx. */
  unavailable: 6,
  /** Strava refused the request (wrong client id or secret, bad code, not found, other 4xx). */
  refused: 7,
  /** Interrupted (Ctrl-C) or timed out while waiting. */
  interrupted: 130,
} as const;

/** One of the exit codes above. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * What each error code means to a script: the one place the CLI decides it. A `Record` over every
 * code, so a new code does not compile until it has its exit code here.
 */
export const EXIT_FOR_CODE: Readonly<Record<StravaAuthErrorCode, ExitCode>> = {
  // Strava refused the request.
  strava_error: EXIT.refused,
  invalid_client_id: EXIT.refused,
  invalid_client_secret: EXIT.refused,
  invalid_redirect_uri: EXIT.refused,
  invalid_code: EXIT.refused,
  application_invalid: EXIT.refused,
  app_inactive: EXIT.refused,
  athlete_capacity: EXIT.refused,
  not_found: EXIT.refused,
  callback_not_verified: EXIT.refused,
  push_subscription_exists: EXIT.refused,
  upload_failed: EXIT.refused,
  upload_duplicate: EXIT.refused,
  invalid_webhook_signature: EXIT.refused,
  request_rejected: EXIT.refused,
  athlete_not_found: EXIT.refused,
  // The login is missing or no longer valid.
  not_logged_in: EXIT.auth,
  invalid_refresh_token: EXIT.auth,
  invalid_access_token: EXIT.auth,
  token_expired: EXIT.auth,
  access_denied: EXIT.auth,
  state_mismatch: EXIT.auth,
  authorization_expired: EXIT.auth,
  invalid_pending_login: EXIT.auth,
  unauthorized: EXIT.auth,
  athlete_revoked: EXIT.auth,
  refresh_token_invalid: EXIT.auth,
  missing_scope: EXIT.scope,
  scopes_not_imported: EXIT.scope,
  rate_limited: EXIT.rateLimit,
  // Strava, or the store, could not be reached or failed.
  network_error: EXIT.unavailable,
  request_timeout: EXIT.unavailable,
  response_too_large: EXIT.unavailable,
  malformed_response: EXIT.unavailable,
  server_error: EXIT.unavailable,
  store_unavailable: EXIT.unavailable,
  strava_unavailable: EXIT.unavailable,
  tokens_not_saved: EXIT.unavailable,
  // The command line, or a file or setting it reads, is wrong: the user fixes it.
  usage_error: EXIT.usage,
  invalid_scope: EXIT.usage,
  invalid_callback: EXIT.usage,
  invalid_callback_url: EXIT.usage,
  invalid_key: EXIT.usage,
  missing_credentials: EXIT.usage,
  corrupt_profile: EXIT.usage,
  corrupt_token_file: EXIT.usage,
  corrupt_record: EXIT.usage,
  store_schema: EXIT.usage,
  invalid_encryption_key: EXIT.usage,
  encryption_key_missing: EXIT.usage,
  unknown_encryption_key: EXIT.usage,
  decryption_failed: EXIT.usage,
  postgres_driver_missing: EXIT.usage,
  upload_too_large: EXIT.usage,
  upload_format_unknown: EXIT.usage,
  forward_secret_missing: EXIT.usage,
  invalid_control_value: EXIT.usage,
  invalid_request: EXIT.usage,
  // Gave up waiting.
  login_timeout: EXIT.interrupted,
  upload_timeout: EXIT.interrupted,
  lock_timeout: EXIT.interrupted,
  // An app's refresh hook threw: a bug (the CLI sets none).
  on_refresh_failed: EXIT.error,
};

/** The text of `--help` that lists exit codes. */
export const EXIT_CODES_HELP = `Exit codes:
  0    success
  1    unexpected error (a bug; please report it)
  2    usage or input error (unknown flag or scope, missing argument or credentials,
       a file or setting that cannot be used)
  3    not logged in, or the login is no longer valid (run strava-auth login)
  4    a scope is missing (the athlete unticked it, or the call needs more)
  5    Strava's rate limit is used up (429); the message says when it resets
  6    Strava (or STRAVA_BASE_URL, or the token store) unreachable, or a 5xx
  7    Strava refused the request (client id/secret, code, not found, other 4xx)
  130  interrupted (Ctrl-C) or timed out`;

/** Where each command's help sends the reader for the table above (printed once, by `strava-auth help exit-codes`). */
export const EXIT_CODES_POINTER = 'Exit codes: run strava-auth help exit-codes';

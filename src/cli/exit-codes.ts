/**
 * Exit codes of every strava-auth command. Stable: scripts may branch on them.
 * Listed in `strava-auth --help` and the README.
 */
export const EXIT = {
  /** It worked. */
  ok: 0,
  /** Something unexpected; the message says what. */
  error: 1,
  /** The command line was wrong (unknown flag, missing argument). */
  usage: 2,
  /** Not logged in, or the login is no longer valid (refresh token dead, consent declined, state refused). */
  auth: 3,
  /** The token lacks a scope the call needs, or the athlete unticked a requested scope. */
  scope: 4,
  /** Strava's rate limit is used up (429). */
  rateLimit: 5,
  /** Strava could not be reached, or answered 5xx. */
  unavailable: 6,
  /** Strava refused the request (wrong client id or secret, bad code, not found, other 4xx). */
  refused: 7,
  /** Interrupted (Ctrl-C) or timed out while waiting. */
  interrupted: 130,
} as const;

/** The text of `--help` that lists exit codes. */
export const EXIT_CODES_HELP = `Exit codes:
  0    success
  1    unexpected error
  2    usage error (unknown flag, missing argument)
  3    not logged in, or the login is no longer valid (run strava-auth login)
  4    a scope is missing (the athlete unticked it, or the call needs more)
  5    Strava's rate limit is used up (429); the message says when it resets
  6    Strava (or STRAVA_BASE_URL) unreachable, or a 5xx from it
  7    Strava refused the request (client id/secret, code, not found, other 4xx)
  130  interrupted (Ctrl-C) or timed out`;

/** Where each command's help sends the reader for the table above (printed once, by `strava-auth help exit-codes`). */
export const EXIT_CODES_POINTER = 'Exit codes: run strava-auth help exit-codes';

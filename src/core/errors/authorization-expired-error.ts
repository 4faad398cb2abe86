import { StravaAuthError } from './strava-auth-error.ts';

/**
 * A pending login restored after its time ran out: the athlete took too long, or the record is
 * old or replayed. The callback is refused without its code being used.
 */
export class AuthorizationExpiredError extends StravaAuthError {
  /** How old the pending login was, and how old it may be, in milliseconds. */
  readonly ageMs: number;
  readonly maxAgeMs: number;

  constructor(ageMs: number, maxAgeMs: number) {
    super(`This login was started ${Math.round(ageMs / 60_000)} minutes ago; a pending login is accepted for ${Math.round(maxAgeMs / 60_000)} minutes.`, {
      code: 'authorization_expired',
      remedy: 'Start a new login and ask the athlete to authorize again.',
    });
    this.ageMs = ageMs;
    this.maxAgeMs = maxAgeMs;
  }
}

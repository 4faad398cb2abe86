import { ServiceError } from './service-error.ts';

/** Why an athlete's tokens can no longer be handed out (the `code` of the 410). */
export type GoneReason = 'athlete_revoked' | 'refresh_token_invalid';

/**
 * The athlete was connected but the service can no longer get tokens for them: they revoked
 * access (a deauthorization webhook, or DELETE), or Strava refused the refresh token. Only a new
 * connect helps.
 */
export class AthleteGoneError extends ServiceError {
  readonly athleteId: number;

  constructor(athleteId: number, reason: GoneReason, cause?: unknown) {
    const summary =
      reason === 'athlete_revoked'
        ? `Athlete ${athleteId} revoked this app's access to their Strava account.`
        : `Strava refused the refresh token of athlete ${athleteId}: the grant is dead.`;
    super(410, summary, {
      code: reason,
      remedy: 'Ask the athlete to connect again through /connect.',
      ...(cause === undefined ? {} : { cause }),
    });
    this.athleteId = athleteId;
  }
}

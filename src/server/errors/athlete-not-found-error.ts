import { ServiceError } from './service-error.ts';

/** The service holds no tokens for this athlete and never heard of a revocation. */
export class AthleteNotFoundError extends ServiceError {
  readonly athleteId: number;

  constructor(athleteId: number) {
    super(404, `No athlete ${athleteId} is connected to this service.`, {
      code: 'athlete_not_found',
      remedy: 'Send the athlete to /connect to connect their Strava account.',
    });
    this.athleteId = athleteId;
  }
}

import { StravaApiError, type StravaApiErrorOptions } from './strava-api-error.ts';

/** The app reached its athlete capacity ("Limit of connected athletes exceeded"). */
export class AthleteCapacityError extends StravaApiError {
  constructor(options: Omit<StravaApiErrorOptions, 'code' | 'remedy'>) {
    super('Strava refused the login: the app has reached its limit of connected athletes.', {
      ...options,
      code: 'athlete_capacity',
      remedy: 'New apps allow 1 athlete (10 after the self-serve upgrade): remove an athlete or ask Strava for more capacity.',
    });
  }
}

import { StravaApiError, type StravaApiErrorOptions } from './strava-api-error.ts';

/** The authorization code was wrong, already used, or expired (`AuthorizationCode/code/invalid`). */
export class InvalidCodeError extends StravaApiError {
  constructor(options: Omit<StravaApiErrorOptions, 'code' | 'remedy'>) {
    super('Strava rejected the authorization code: it is wrong, expired, or was already used (a code works once, for a few minutes).', {
      ...options,
      code: 'invalid_code',
      remedy: 'Start the authorization again to get a fresh code (strava-auth login).',
    });
  }
}

import { StravaApiError, type StravaApiErrorOptions } from './strava-api-error.ts';

/** The authorization code was wrong, already used, or expired (`AuthorizationCode/code/invalid`). */
export class InvalidCodeError extends StravaApiError {
  /** @param options.loginCommand the command (or page) that starts an authorization, named in the remedy when set. */
  constructor(options: Omit<StravaApiErrorOptions, 'code' | 'remedy'> & { loginCommand?: string | undefined }) {
    super('Strava rejected the authorization code: it is wrong, expired, or was already used (a code works once, for a few minutes).', {
      ...options,
      code: 'invalid_code',
      remedy: `Start the authorization again to get a fresh code${options.loginCommand ? ` (${options.loginCommand})` : ''}.`,
    });
  }
}

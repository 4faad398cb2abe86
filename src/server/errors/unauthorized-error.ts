import { ServiceError } from './service-error.ts';

/** No API key, or not a live one. Says nothing else: not which part was wrong, not what exists. */
export class UnauthorizedError extends ServiceError {
  constructor() {
    super(401, 'A valid API key is required.', {
      code: 'unauthorized',
      remedy: 'Send Authorization: Bearer KEY with a key from STRAVA_AUTH_API_KEYS or strava-auth serve keys create.',
    });
  }
}

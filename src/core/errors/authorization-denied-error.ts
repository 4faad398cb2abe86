import { StravaAuthError } from './strava-auth-error.ts';

/** The athlete pressed Cancel on Strava's consent page (`error=access_denied`). */
export class AuthorizationDeniedError extends StravaAuthError {
  constructor() {
    super('The athlete declined the authorization on Strava\'s consent page.', {
      code: 'access_denied',
      remedy: 'Run the login again and press "Authorize" to grant access.',
    });
  }
}

import { StravaAuthError } from '../../core/errors/strava-auth-error.ts';

/** Events would be forwarded unsigned: a forward URL without a secret is refused at start-up. */
export class ForwardSecretMissingError extends StravaAuthError {
  constructor() {
    super('A forward URL is set but no forward secret, so the app could not tell forwarded events from forged ones.', {
      code: 'forward_secret_missing',
      remedy: 'Set a forward secret (--forward-secret or STRAVA_AUTH_FORWARD_SECRET, e.g. from `openssl rand -hex 32`) and verify events with verifyForwardedEvent in the app.',
    });
  }
}

import { StravaAuthError } from './strava-auth-error.ts';

/**
 * Strava's answer was not what the protocol promises (not JSON, a field missing or of the wrong
 * type). The body is never quoted: it may hold tokens.
 */
export class MalformedResponseError extends StravaAuthError {
  readonly status: number;

  constructor(what: string, status: number) {
    super(`Unexpected answer from Strava (HTTP ${status}): ${what}.`, {
      code: 'malformed_response',
      remedy: 'Check that the base URL points at Strava (or the emulator) and try again; report it if it persists.',
    });
    this.status = status;
  }
}

import { StravaAuthError } from './strava-auth-error.ts';

/**
 * The callback's `state` does not match the one this authorization sent, or the authorization was
 * already completed. The callback may be forged or replayed (CSRF), so the code is not used.
 */
export class StateMismatchError extends StravaAuthError {
  constructor(reason: 'mismatch' | 'missing' | 'reused') {
    const summaries = {
      mismatch: 'The callback\'s state does not match the authorization request, so it was refused (it may be forged).',
      missing: 'The callback carries no state, so it was refused (it may be forged).',
      reused: 'This authorization request was already completed; a state is accepted only once.',
    };
    super(summaries[reason], {
      code: 'state_mismatch',
      remedy: 'Start a new login and finish it in the browser window it opens.',
    });
  }
}

import { StravaAuthError } from '../../core/errors/strava-auth-error.ts';

/** Why a forwarded event was refused. */
export type WebhookSignatureProblem = 'missing' | 'malformed' | 'expired' | 'mismatch' | 'not-an-event';

const SUMMARIES: Record<WebhookSignatureProblem, string> = {
  missing: 'The forwarded event has no Strava-Auth-Signature header.',
  malformed: 'The Strava-Auth-Signature header is not "t=<unix seconds>,v1=<hex>".',
  expired: 'The forwarded event was signed too long ago (or in the future).',
  mismatch: 'The forwarded event’s signature does not match its body.',
  'not-an-event': 'The forwarded body is signed but is not a Strava webhook event.',
};

/**
 * A forwarded event that {@link verifyForwardedEvent} refuses: answer it 400 and do nothing with
 * it. `problem` says which check failed; the message never repeats the header or the body.
 */
export class WebhookSignatureError extends StravaAuthError {
  readonly problem: WebhookSignatureProblem;

  constructor(problem: WebhookSignatureProblem) {
    super(SUMMARIES[problem], {
      code: 'invalid_webhook_signature',
      remedy:
        problem === 'expired'
          ? 'Check that both machines’ clocks are right; a replayed event is refused on purpose.'
          : 'Check that the app and strava-auth serve share the same forward secret (--forward-secret / STRAVA_AUTH_FORWARD_SECRET) and that the raw body is verified before any parsing.',
    });
    this.problem = problem;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), problem: this.problem };
  }
}

import { StravaApiError, type StravaApiErrorOptions } from './strava-api-error.ts';

/**
 * Strava could not verify a new push subscription's callback (400 PushSubscription "callback url"):
 * its GET with the challenge was not answered 200 with `{"hub.challenge": ...}` within 2 s.
 */
export class CallbackNotVerifiedError extends StravaApiError {
  constructor(options: Omit<StravaApiErrorOptions, 'code' | 'remedy'>) {
    super(
      'Strava could not verify the callback URL: it must answer GET ?hub.mode=subscribe&hub.challenge=X&hub.verify_token=T with 200 and {"hub.challenge":"X"} within 2 seconds.',
      {
        ...options,
        code: 'callback_not_verified',
        remedy:
          'Start the callback first (strava-auth serve answers at /webhook when STRAVA_WEBHOOK_VERIFY_TOKEN is the same verify token), check that Strava can reach it (a public URL), then create the subscription again.',
      },
    );
  }
}

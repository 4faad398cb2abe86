import { StravaApiError, type StravaApiErrorOptions } from './strava-api-error.ts';

/** The app has a push subscription already (400 PushSubscription "already exists"): one per app. */
export class SubscriptionExistsError extends StravaApiError {
  constructor(options: Omit<StravaApiErrorOptions, 'code' | 'remedy'>) {
    super('This app already has a push subscription (Strava allows one per app).', {
      ...options,
      code: 'push_subscription_exists',
      remedy: 'See it with listPushSubscriptions; to move it, delete it (deletePushSubscription) and create it again.',
    });
  }
}

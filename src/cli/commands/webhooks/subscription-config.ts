import type { PushSubscription, PushSubscriptionConfig } from '../../../core/index.ts';
import type { Session } from '../../session.ts';

/** The app's credentials and the API base (STRAVA_BASE_URL, the emulator, or Strava) for push subscription calls. */
export async function subscriptionConfig(session: Session): Promise<PushSubscriptionConfig> {
  const { clientId, clientSecret } = await session.credentials();
  const { apiBaseUrl } = await session.endpoints();
  return { clientId, clientSecret, apiBaseUrl };
}

/** One subscription for people: id, callback, creation time; control characters from the server escaped. */
export function describeSubscription(subscription: PushSubscription): string {
  const parts = [String(subscription.id), subscription.callbackUrl ?? '(callback not given)'];
  if (subscription.createdAt) parts.push(`created ${subscription.createdAt}`);
  return parts.join('  ').replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

import type { PushSubscription, PushSubscriptionConfig } from '../../../core/push-subscriptions.ts';
import { escapeControlCharacters } from '../../../core/terminal-text.ts';
import type { Session } from '../../session.ts';

/**
 * The app's credentials, the API base (STRAVA_BASE_URL, the emulator, or Strava) and the request
 * limits (STRAVA_AUTH_TIMEOUT, STRAVA_AUTH_MAX_RESPONSE_MB) for push subscription calls.
 */
export async function subscriptionConfig(session: Session): Promise<PushSubscriptionConfig> {
  const limits = session.requestLimits(); // a bad value is refused before anything is sent
  const { clientId, clientSecret } = await session.credentials();
  const { apiBaseUrl } = await session.endpoints();
  return { clientId, clientSecret, apiBaseUrl, ...limits };
}

/** One subscription for people: id, callback, creation time; control characters from the server escaped. */
export function describeSubscription(subscription: PushSubscription): string {
  const parts = [String(subscription.id), subscription.callbackUrl ?? '(callback not given)'];
  if (subscription.createdAt) parts.push(`created ${subscription.createdAt}`);
  return escapeControlCharacters(parts.join('  '));
}

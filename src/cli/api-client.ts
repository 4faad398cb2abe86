import { StravaClient, type RateLimitEvent } from '../client/strava-client.ts';
import type { Clock } from '../core/clock.ts';
import type { Sleep } from '../core/retry.ts';
import type { Session } from './session.ts';

/** How a command's client waits: on a 429, and on what clock and sleep (tests inject both). */
export interface ClientWaitOptions {
  waitOnRateLimit?: boolean;
  clock?: Clock;
  sleep?: Sleep;
  /** Replaces the default one-line notice of a rate-limit wait (e.g. with a countdown). */
  onRateLimit?: (event: RateLimitEvent) => void;
}

/**
 * A StravaClient for the session's profile: its token manager, its API base (the emulator's, a
 * STRAVA_BASE_URL, or Strava's), and login commands that name the profile.
 */
export async function clientFor(session: Session, options: ClientWaitOptions = {}): Promise<StravaClient> {
  const [tokens, { apiBaseUrl }] = await Promise.all([session.tokens(), session.endpoints()]);
  return new StravaClient({
    tokens,
    apiBaseUrl,
    ...session.injected(),
    ...session.requestLimits(),
    loginCommand: (scopes) => session.loginCommand(scopes),
    rateLimit: { wait: options.waitOnRateLimit ?? false },
    ...(options.clock && { clock: options.clock }),
    ...(options.sleep && { sleep: options.sleep }),
    onRateLimit: options.onRateLimit ?? ((event) => {
      // Only worth a line when the client waits; otherwise the RateLimitError says it all.
      if (event.waitMs !== undefined) {
        session.io.stderr.write(`${session.style.yellow('rate limited:')} ${event.endpoint}: waiting until ${event.resetsAt.toISOString()} (the ${event.window === 'daily' ? 'daily' : '15-minute'} window resets then)\n`);
      }
    }),
  });
}

/** JSON for people on a terminal (indented), compact for scripts. */
export function formatJson(value: unknown, pretty: boolean): string {
  return `${pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value)}\n`;
}

/**
 * Public types of the Strava emulator. Everything another engineer or a user's test codes against
 * lives here, so the shapes can be read in one place.
 */
import type { ManualClock } from '../core/clock.ts';
import type { ActivitySeedOptions, FaultController, RateLimitSettings, RateLimitUsage, UploadProcessing } from './api/types.ts';

import type { PushSubscriptionRecord, WebhookDelivery, WebhookEventInput, WebhookOptions } from './webhooks/types.ts';

/** One registered Strava API application ("My API Application" on strava.com/settings/api). */
export interface AppConfig {
  clientId: number;
  clientSecret: string;
  /** The "Authorization Callback Domain": a host name only (no scheme, no port). */
  callbackDomain: string;
  /** An app without a developer subscription (since 2026-06-30): every OAuth step answers 403. */
  inactive?: boolean;
  /** How many distinct athletes may connect the app; unlimited when absent. Real apps start at 1. */
  athleteCapacity?: number;
}

/**
 * What the emulated athlete does on the consent page, without a browser.
 * `untick` removes scopes from the grant (`read` cannot be unticked); `athleteId` chooses who is
 * signed in (an unknown id creates that athlete).
 */
export interface ConsentPolicy {
  policy: 'approve' | 'deny';
  untick?: string[];
  athleteId?: number;
}

/** When `POST /oauth/token` with `grant_type=refresh_token` hands out a new refresh token. */
export type RotationPolicy = 'always' | 'never' | 'when-access-renewed';

/** Options of {@link startEmulator}. Every field is optional. */
export interface EmulatorOptions {
  /** TCP port; 0 (the default) picks a free one. The emulator always binds 127.0.0.1 only. */
  port?: number;
  /** The emulator's time. Default: a `ManualClock` that follows real time and can be advanced. */
  clock?: ManualClock;
  /** Client id of the default app (default 12345). */
  clientId?: number;
  /** Client secret of the default app (default `emulator-secret-0123456789abcdef`, fixed so docs work). */
  clientSecret?: string;
  /** Authorization Callback Domain of the default app (default `localhost`). */
  callbackDomain?: string;
  /** Further apps, e.g. an inactive one or one with a small athlete capacity. */
  apps?: AppConfig[];
  /** JSON file to load state from at start and to save after every change (atomic, mode 0600). */
  statePath?: string;
  /** How long an authorization code can be exchanged (default 600 s). */
  codeLifetimeSeconds?: number;
  /** Initial consent policy; absent or null shows the real HTML consent page. */
  consent?: ConsentPolicy | null;
  /** Receives one line per request: method, path without query, status. Never secrets. */
  log?: (line: string) => void;
  /** API rate limits (default: Strava's for a new app, 200/2000 overall and 100/1000 read). */
  rateLimits?: Partial<RateLimitSettings>;
  /** How seeded activities are generated (default: 600 per athlete, seed 1). */
  activities?: ActivitySeedOptions;
  /** When uploads finish processing (default: at the second poll or after 8 s). */
  uploadProcessing?: Partial<UploadProcessing>;
  /** How callbacks are checked and events delivered (deadline, retry waits, an injected sleep). */
  webhooks?: WebhookOptions;
}

/** Swagger `SummaryAthlete` (resource_state 2), plus the fields Strava really sends beside it. */
export interface SummaryAthlete {
  id: number;
  username: string | null;
  resource_state: number;
  firstname: string;
  lastname: string;
  bio: string | null;
  city: string;
  state: string;
  country: string;
  sex: 'M' | 'F' | null;
  premium: boolean;
  summit: boolean;
  created_at: string;
  updated_at: string;
  badge_type_id: number;
  weight: number | null;
  profile_medium: string;
  profile: string;
  friend: 'pending' | 'accepted' | 'blocked' | null;
  follower: 'pending' | 'accepted' | 'blocked' | null;
}

/** An athlete known to the emulator. */
export type Athlete = SummaryAthlete;

/** Body of a successful `grant_type=authorization_code` exchange, in Strava's field order. */
export interface TokenResponse {
  token_type: 'Bearer';
  expires_at: number;
  expires_in: number;
  refresh_token: string;
  access_token: string;
  athlete: SummaryAthlete;
}

/** Body of a successful `grant_type=refresh_token` exchange: no athlete (and no scope). */
export interface RefreshResponse {
  token_type: 'Bearer';
  access_token: string;
  expires_at: number;
  expires_in: number;
  refresh_token: string;
}

/** What {@link Emulator.issueTokens} mints: for whom (default: the first athlete; unknown ids are created), which app, which scopes. */
export interface IssueTokensOptions {
  athleteId?: number;
  scopes: string[];
  clientId?: number;
}

/** Counters since start or the last reset. Control traffic (`/_emulator/...`) is not counted. */
export interface EmulatorStats {
  /** Requests per route, keyed by method and path template, e.g. `POST /oauth/token`. */
  calls: Record<string, number>;
  /** Successful token-endpoint answers per grant type. */
  grants: { authorization_code: number; refresh_token: number };
  /** Refresh attempts with an unknown, revoked or rotated-away refresh token. */
  rejectedRefreshTokens: number;
  /** Code exchanges with an unknown, reused, expired or foreign code. */
  rejectedCodes: number;
  /** Refreshes answered with the same access token because it still had more than an hour to live. */
  refreshesWithSameAccessToken: number;
  /** HTML consent pages served. */
  consentPagesShown: number;
  /** Requests that matched no route. */
  notFound: number;
}

/** A running emulator. Close it when done. */
export interface Emulator {
  /** Base URL, e.g. `http://127.0.0.1:43123`: OAuth at `url + '/oauth/...'`, API at `url + '/api/v3'`. */
  readonly url: string;
  readonly port: number;
  readonly clientId: number;
  readonly clientSecret: string;
  readonly clock: ManualClock;
  /** Answer authorize requests at once as the athlete would; `null` goes back to the HTML page. */
  setConsent(policy: ConsentPolicy | null): void;
  stats(): EmulatorStats;
  resetStats(): void;
  /** Adds an athlete (default: next free id, a realistic name). */
  addAthlete(athlete?: Partial<SummaryAthlete>): Athlete;
  /** Mints tokens as a code exchange would, without the browser step. `read` is always granted. */
  issueTokens(options: IssueTokensOptions): TokenResponse;
  /** Refresh-token rotation; default `when-access-renewed`. */
  rotateRefreshTokens: RotationPolicy;
  /** Fault injection for API requests (latency, 5xx, dropped connections, 429 bursts). */
  readonly faults: FaultController;
  /** The rate limits in force. */
  readonly rateLimits: RateLimitSettings;
  /** Changes some rate-limit settings; the others stay. Usage is kept (see {@link resetRateLimitUsage}). */
  setRateLimits(settings: Partial<RateLimitSettings>): void;
  /** An app's usage in the current windows (default: the default app). */
  rateLimitUsage(clientId?: number): RateLimitUsage;
  /** Forgets every app's rate-limit usage. */
  resetRateLimitUsage(): void;
  /** Gives the athlete exactly `count` freshly seeded activities (replacing the ones they had). */
  seedActivities(athleteId: number, count: number): void;
  /** The athlete's activities as `GET /athlete/activities` would list them to a token with `activity:read_all`, newest first. */
  activitiesOf(athleteId: number): Array<Record<string, unknown>>;
  /** Changes when uploads finish processing. */
  setUploadProcessing(processing: Partial<UploadProcessing>): void;
  /**
   * Sends an event to the app's push subscription (a partial event is completed: an activity
   * `create` of the first athlete, the subscription's id, now) and resolves once it was
   * acknowledged or its 3 attempts failed. Throws when the app has no subscription.
   */
  sendWebhookEvent(input?: WebhookEventInput): Promise<WebhookDelivery>;
  /**
   * The athlete removes the app in Strava's settings: every token dies and the subscription gets
   * the deauthorization event. Resolves with its delivery once ended (null without a subscription).
   */
  deauthorizeInSettings(athleteId: number, clientId?: number): Promise<WebhookDelivery | null>;
  /** The push subscriptions of every app. */
  pushSubscriptions(): PushSubscriptionRecord[];
  /** Subscription checks and event deliveries, oldest first (the last 200). */
  webhookDeliveries(): WebhookDelivery[];
  /** Resolves when no event delivery is under way (e.g. the one `POST /oauth/deauthorize` started). */
  webhooksIdle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * What every route handler gets: the state, the counters, and the settings a test may change
 * while the emulator runs.
 */
import type { ManualClock } from '../core/clock.ts';
import type { ApiState } from './api/api-state.ts';
import type { EmulatorSettings } from './settings.ts';
import type { StatsRecorder } from './stats.ts';
import type { EmulatorState } from './state.ts';
import type { AppConfig } from './types.ts';
import type { EmulatorWebhooks } from './webhooks/emulator-webhooks.ts';

/** Shared by all handlers of one emulator. */
export interface EmulatorContext {
  readonly state: EmulatorState;
  readonly stats: StatsRecorder;
  readonly clock: ManualClock;
  /** The app named by the `clientId` / `clientSecret` options. */
  readonly defaultApp: AppConfig;
  readonly settings: EmulatorSettings;
  /** The API side: activities, uploads, rate limits, faults. */
  readonly api: ApiState;
  /** Push subscriptions, subscription checks and event deliveries. */
  readonly webhooks: EmulatorWebhooks;
  /** Base URL, known once the server listens. */
  url: string;
}

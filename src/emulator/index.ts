/**
 * A Strava emulator for tests, benches and offline development: the OAuth side of
 * www.strava.com (authorize, consent page, token, revoke, deauthorize) and the REST API under
 * `/api/v3` (athlete, activities, uploads; scopes, rate limits, fault injection) on 127.0.0.1,
 * with a clock you can move and a remote control under `/_emulator`.
 *
 * @example
 * import { startEmulator } from 'strava-auth/emulator';
 * const emu = await startEmulator();
 * console.log(emu.url, emu.clientId, emu.clientSecret);
 */
export {
  DEFAULT_CALLBACK_DOMAIN,
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  DEFAULT_CODE_LIFETIME_SECONDS,
  startEmulator,
} from './emulator.ts';
export { runEmulatorCommand, type CommandIo } from './command.ts';
export type { StravaErrorBody, StravaErrorDetail } from './errors.ts';
export { VALID_SCOPES } from './scopes.ts';
export type {
  AppConfig,
  ConsentPolicy,
  RotationPolicy,
  EmulatorOptions,
  SummaryAthlete,
  Athlete,
  TokenResponse,
  RefreshResponse,
  IssueTokensOptions,
  EmulatorStats,
  Emulator,
} from './types.ts';
export type {
  LimitPair,
  HeaderCase,
  RateLimitSettings,
  RateLimitUsage,
  FaultSpec,
  ActivitySeedOptions,
  UploadProcessing,
  FaultController,
} from './api/types.ts';
export type {
  WebhookEvent,
  PushSubscriptionRecord,
  WebhookOptions,
  WebhookAttempt,
  WebhookDelivery,
  WebhookEventInput,
} from './webhooks/types.ts';

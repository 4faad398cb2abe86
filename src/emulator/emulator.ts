/**
 * {@link startEmulator}: wires state, persistence, settings and the HTTP server into a running
 * {@link Emulator}.
 */
import type { Server } from 'node:http';
import { ManualClock } from '../core/clock.ts';
import { summaryJson } from './api/activity-json.ts';
import { ApiState, validateUploadProcessing } from './api/api-state.ts';
import { validateRateLimits } from './api/rate-limiter.ts';
import type { FaultController, RateLimitSettings, RateLimitUsage, UploadProcessing } from './api/types.ts';
import type { EmulatorContext } from './context.ts';
import { issueTokens } from './issue-tokens.ts';
import { StateFile } from './persistence.ts';
import { buildRouter, closeServer, listen } from './server.ts';
import { validateConsentPolicy, validateRotationPolicy } from './settings.ts';
import { EmulatorState, type StateSnapshot } from './state.ts';
import { StatsRecorder } from './stats.ts';
import { EmulatorWebhooks } from './webhooks/emulator-webhooks.ts';
import { deauthorizeInSettings } from './webhooks/routes.ts';
import type { PushSubscriptionRecord, WebhookDelivery, WebhookEventInput } from './webhooks/types.ts';
import { InvalidControlValueError } from './control-value.ts';
import type {
  AppConfig,
  Athlete,
  ConsentPolicy,
  Emulator,
  EmulatorOptions,
  EmulatorStats,
  IssueTokensOptions,
  RotationPolicy,
  SummaryAthlete,
  TokenResponse,
} from './types.ts';

/** Client id of the default app. */
export const DEFAULT_CLIENT_ID = 12345;
/** Client secret of the default app: fixed, so documentation and examples work as written. */
export const DEFAULT_CLIENT_SECRET = 'emulator-secret-0123456789abcdef';
/** Authorization Callback Domain of the default app. */
export const DEFAULT_CALLBACK_DOMAIN = 'localhost';
/** Lifetime of an authorization code. Strava's is undocumented ("minutes"). */
export const DEFAULT_CODE_LIFETIME_SECONDS = 600;

/**
 * Starts an emulated Strava (OAuth side and `/api/v3`) on 127.0.0.1.
 *
 * @example
 * const emu = await startEmulator({ clock: new ManualClock({ frozen: true }) });
 * emu.setConsent({ policy: 'approve' });
 * // ... drive GET emu.url + '/oauth/authorize', POST emu.url + '/oauth/token' ...
 * emu.clock.advance(6 * 3600);
 * await emu.close();
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const clock = options.clock ?? new ManualClock();
  const log = options.log;
  const defaultApp: AppConfig = {
    clientId: options.clientId ?? DEFAULT_CLIENT_ID,
    clientSecret: options.clientSecret ?? DEFAULT_CLIENT_SECRET,
    callbackDomain: options.callbackDomain ?? DEFAULT_CALLBACK_DOMAIN,
  };
  let stateFile: StateFile | null = null;
  const markDirty = () => stateFile?.markDirty();
  const webhooks = new EmulatorWebhooks(clock, { ...options.webhooks, onChange: markDirty });
  const state = new EmulatorState({
    clock,
    apps: [defaultApp, ...(options.apps ?? [])],
    codeLifetimeSeconds: options.codeLifetimeSeconds ?? DEFAULT_CODE_LIFETIME_SECONDS,
    onChange: markDirty,
  });
  const api = new ApiState(options, state, clock, markDirty);
  const restore = (saved: StateSnapshot) => {
    state.restore(saved);
    webhooks.subscriptions.restore(saved.pushSubscriptions ?? []);
    if (saved.api) api.restore(saved.api);
  };
  if (options.statePath) {
    const snapshot = (): StateSnapshot => ({ ...state.snapshot(), pushSubscriptions: webhooks.subscriptions.snapshot(), api: api.snapshot() });
    stateFile = new StateFile(options.statePath, snapshot, (error) => {
      log?.(`emulator could not save ${options.statePath}: ${error instanceof Error ? error.message : String(error)}`);
    });
    const saved = stateFile.load();
    if (saved) restore(saved);
  }
  const ctx: EmulatorContext = {
    state,
    stats: new StatsRecorder(),
    clock,
    defaultApp,
    settings: { consent: validateConsentPolicy(options.consent ?? null), rotateRefreshTokens: 'when-access-renewed' },
    api,
    webhooks,
    url: '',
  };
  const file = stateFile;
  const { server, port } = await listen(buildRouter(ctx), ctx, options.port ?? 0, {
    ...(log && { log }),
    afterHandler: () => stateFile?.flush(),
    // Several processes (CLI runs in --emulator mode) may share the file: each request runs under
    // its lock, on the newest saved state.
    ...(file && { transaction: <T>(fn: () => Promise<T>) => file.transaction(restore, fn) }),
  });
  ctx.url = `http://127.0.0.1:${port}`;
  return new RunningEmulator(ctx, server, port, stateFile);
}

class RunningEmulator implements Emulator {
  readonly url: string;
  readonly port: number;
  readonly clientId: number;
  readonly clientSecret: string;
  readonly clock: ManualClock;
  readonly #ctx: EmulatorContext;
  readonly #server: Server;
  readonly #stateFile: StateFile | null;
  #closed: Promise<void> | null = null;

  constructor(ctx: EmulatorContext, server: Server, port: number, stateFile: StateFile | null) {
    this.#ctx = ctx;
    this.#server = server;
    this.#stateFile = stateFile;
    this.url = ctx.url;
    this.port = port;
    this.clientId = ctx.defaultApp.clientId;
    this.clientSecret = ctx.defaultApp.clientSecret;
    this.clock = ctx.clock;
  }

  get rotateRefreshTokens(): RotationPolicy {
    return this.#ctx.settings.rotateRefreshTokens;
  }

  set rotateRefreshTokens(policy: RotationPolicy) {
    this.#ctx.settings.rotateRefreshTokens = validateRotationPolicy(policy);
  }

  setConsent(policy: ConsentPolicy | null): void {
    this.#ctx.settings.consent = validateConsentPolicy(policy);
  }

  stats(): EmulatorStats {
    return this.#ctx.stats.snapshot();
  }

  resetStats(): void {
    this.#ctx.stats.reset();
  }

  addAthlete(athlete: Partial<SummaryAthlete> = {}): Athlete {
    return this.#ctx.state.addAthlete(athlete);
  }

  issueTokens(options: IssueTokensOptions): TokenResponse {
    return issueTokens(this.#ctx, options);
  }

  get faults(): FaultController {
    return this.#ctx.api.faults;
  }

  get rateLimits(): RateLimitSettings {
    return structuredClone(this.#ctx.api.rateLimits.settings);
  }

  setRateLimits(settings: Partial<RateLimitSettings>): void {
    this.#ctx.api.rateLimits.settings = validateRateLimits(settings, this.#ctx.api.rateLimits.settings);
  }

  rateLimitUsage(clientId: number = this.clientId): RateLimitUsage {
    return this.#ctx.api.rateLimits.usage(clientId);
  }

  resetRateLimitUsage(): void {
    this.#ctx.api.rateLimits.reset();
  }

  seedActivities(athleteId: number, count: number): void {
    this.#ctx.state.ensureAthlete(athleteId);
    this.#ctx.api.activities.reseed(athleteId, count);
  }

  activitiesOf(athleteId: number): Array<Record<string, unknown>> {
    return this.#ctx.api.activities.of(athleteId).map(summaryJson);
  }

  setUploadProcessing(processing: Partial<UploadProcessing>): void {
    this.#ctx.api.uploads.processing = validateUploadProcessing(processing, this.#ctx.api.uploads.processing);
  }

  async sendWebhookEvent(input: WebhookEventInput = {}): Promise<WebhookDelivery> {
    const started = this.#ctx.webhooks.emit(input.clientId ?? this.clientId, input, this.#ctx.state.defaultAthleteId());
    if (!started) throw new InvalidControlValueError('clientId', 'an app with a push subscription (create one first)');
    return started.finished;
  }

  async deauthorizeInSettings(athleteId: number, clientId: number = this.clientId): Promise<WebhookDelivery | null> {
    const started = deauthorizeInSettings(this.#ctx, clientId, athleteId);
    return started ? started.finished : null;
  }

  pushSubscriptions(): PushSubscriptionRecord[] {
    return this.#ctx.webhooks.subscriptions.snapshot();
  }

  webhookDeliveries(): WebhookDelivery[] {
    return this.#ctx.webhooks.sender.deliveries();
  }

  webhooksIdle(): Promise<void> {
    return this.#ctx.webhooks.sender.idle();
  }

  /** Stops the server and writes any unsaved state. Safe to call twice. */
  close(): Promise<void> {
    this.#closed ??= closeServer(this.#server).then(() => this.#stateFile?.flush());
    return this.#closed;
  }
}

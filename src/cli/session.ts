import { join } from 'node:path';
import { systemClock, type Clock } from '../core/clock.ts';
import type { FetchLike } from '../core/http.ts';
import { Redactor } from '../core/redactor.ts';
import { STRAVA_API_BASE_URL, STRAVA_OAUTH_BASE_URL, joinUrl } from '../core/endpoints.ts';
import { isScope, normalizeScopes } from '../core/scopes.ts';
import { type OAuthConfig } from '../core/token-endpoint.ts';
import type { Emulator } from '../emulator/index.ts';
import { resolveConfigDir } from '../node/config-dir.ts';
import { cipherFromEnv } from '../tokens/cipher-from-env.ts';
import { EncryptionKeyMissingError } from '../tokens/errors/encryption-key-missing-error.ts';
import { TokenManager } from '../tokens/token-manager.ts';
import { resolveCredentials, type Credentials } from './credentials.ts';
import type { CommandDeps } from './command.ts';
import type { Io } from './io.ts';
import { OnDemandTokens } from './on-demand-tokens.ts';
import { profileName, profilePath, readProfile, type ProfileConfig } from './profile.ts';
import { requestLimitsFromEnv, type CliRequestLimits } from './request-limits-env.ts';
import { SessionStore } from './session-store.ts';
import { styleFor, type Style } from './style.ts';

/** Where OAuth and API calls go for this command. */
export interface StravaEndpoints {
  oauthBaseUrl: string;
  apiBaseUrl: string;
  /** Set when the built-in emulator runs in this process. */
  emulator?: Emulator;
}

/**
 * Everything a command needs about its profile, found once and shared: the config directory, the
 * profile's settings, the token store, the credentials, where Strava is (the built-in emulator is
 * started only when a call needs it), and a token manager. `close()` stops what was started.
 * Every secret it comes across (client secret, tokens, URL userinfo) goes to `redactor`, which
 * main's redacting stdout and stderr use.
 */
export class Session {
  readonly io: Io & { redactor: Redactor };
  /** What the command was given to talk to (fetch, clock, browser, emulator). */
  readonly deps: CommandDeps;
  readonly redactor: Redactor;
  readonly style: Style;
  readonly profile: string;
  readonly configDir: string;
  readonly #emulatorFlag: boolean;
  #config: Promise<ProfileConfig | undefined> | undefined;
  /** The profile's settings once read, for the synchronous loginCommand. */
  #configRead: ProfileConfig | undefined;
  #store: Promise<SessionStore> | undefined;
  #endpoints: Promise<StravaEndpoints> | undefined;
  #credentials: Credentials | undefined;

  constructor(deps: CommandDeps, flags: { profile?: string | undefined; emulator?: boolean | undefined }) {
    const { io } = deps;
    this.deps = deps;
    this.redactor = io.redactor ?? new Redactor();
    this.io = { ...io, redactor: this.redactor };
    this.redactor.addUrl(io.env.STRAVA_BASE_URL).addUrl(io.env.STRAVA_API_BASE_URL);
    this.style = styleFor(io);
    this.profile = profileName(flags.profile, io.env);
    this.configDir = resolveConfigDir({ env: io.env });
    this.#emulatorFlag = flags.emulator ?? false;
  }

  /** The profile's saved settings (undefined before the first login). */
  config(): Promise<ProfileConfig | undefined> {
    this.#config ??= readProfile(this.configDir, this.profile, this.warn).then((config) => {
      this.redactor.add(config?.clientSecret).addUrl(config?.baseUrl);
      return (this.#configRead = config);
    });
    return this.#config;
  }

  /** Whether this command talks to the built-in emulator: `--emulator`, or a profile logged in with it. */
  async usesEmulator(): Promise<boolean> {
    return this.#emulatorFlag || (await this.config())?.emulator === true;
  }

  /** Tells the person about something to fix (a file others can read), on stderr. */
  readonly warn = (message: string): void => {
    this.io.stderr.write(`${this.style.yellow('warning:')} ${message}\n`);
  };

  /**
   * The token store (`<config dir>/tokens`, one file per profile), encrypted when
   * STRAVA_AUTH_ENCRYPTION_KEY is set (a malformed key fails here, naming the variable). It tells
   * the run's redactor every token it reads or writes.
   */
  store(): Promise<SessionStore> {
    this.#store ??= cipherFromEnv(this.io.env).then(
      (cipher) => new SessionStore({ dir: join(this.configDir, 'tokens'), warn: this.warn, redactor: this.redactor, cipher }),
    );
    return this.#store;
  }

  /**
   * Fails before a login asks Strava for tokens that could not be stored: the profile's tokens
   * are encrypted and no key is set (plaintext never replaces them). Any other problem with the
   * stored record is left to the write, which replaces it.
   */
  async assertTokensStorable(): Promise<void> {
    await (await this.store()).get(this.profile).catch((error: unknown) => {
      if (error instanceof EncryptionKeyMissingError) throw error;
    });
  }

  /** Where the emulator keeps its athletes and tokens between runs of `--emulator` commands. */
  get emulatorStatePath(): string {
    return join(this.configDir, 'emulator', 'state.json');
  }

  /**
   * Where OAuth and API calls go: the built-in emulator (started here, on a free port), else
   * STRAVA_BASE_URL, else the base URL saved at login, else Strava. STRAVA_API_BASE_URL moves the
   * API alone (e.g. to https://www.api-v3.strava.com).
   */
  endpoints(): Promise<StravaEndpoints> {
    this.#endpoints ??= (async () => {
      if (await this.usesEmulator()) {
        const { ensurePrivateDir } = await import('../node/private-files.ts');
        await ensurePrivateDir(join(this.configDir, 'emulator'));
        const startEmulator = this.deps.startEmulator ?? (await import('../emulator/index.ts')).startEmulator;
        const emulator = await startEmulator({ statePath: this.emulatorStatePath });
        return { oauthBaseUrl: emulator.url, apiBaseUrl: joinUrl(emulator.url, '/api/v3'), emulator };
      }
      const base = this.io.env.STRAVA_BASE_URL || (await this.config())?.baseUrl;
      const oauthBaseUrl = base || STRAVA_OAUTH_BASE_URL;
      const apiBaseUrl = this.io.env.STRAVA_API_BASE_URL || (base ? joinUrl(base, '/api/v3') : STRAVA_API_BASE_URL);
      return { oauthBaseUrl, apiBaseUrl };
    })();
    return this.#endpoints;
  }

  /** The app's client id and secret (see resolveCredentials); the emulator's own app in emulator mode. */
  async credentials(options: { prompt: boolean; purpose?: string } = { prompt: false }): Promise<Credentials> {
    if (this.#credentials) return this.#credentials;
    if (await this.usesEmulator()) {
      const { emulator } = await this.endpoints();
      this.#credentials = { clientId: String(emulator!.clientId), clientSecret: emulator!.clientSecret, source: 'emulator' };
    } else {
      this.#credentials = await resolveCredentials(this.io, await this.config(), { ...options, warn: this.warn, profileFile: profilePath(this.configDir, this.profile) });
    }
    this.redactor.addBasic(this.#credentials.clientId, this.#credentials.clientSecret);
    return this.#credentials;
  }

  /**
   * The app's client id alone, for what needs no secret (an authorize URL): the secret is not
   * asked for, and nothing is cached, so a later call that needs it still looks for it.
   */
  async clientId(options: { prompt: boolean } = { prompt: false }): Promise<string> {
    if (this.#credentials || (await this.usesEmulator())) return (await this.credentials()).clientId;
    const found = await resolveCredentials(this.io, await this.config(), { ...options, warn: this.warn, profileFile: profilePath(this.configDir, this.profile), secret: false });
    if (found.clientSecret) this.redactor.addBasic(found.clientId, found.clientSecret);
    return found.clientId;
  }

  /** The bound of every request and the cap of every response (STRAVA_AUTH_TIMEOUT, STRAVA_AUTH_MAX_RESPONSE_MB). */
  requestLimits(): CliRequestLimits {
    return requestLimitsFromEnv(this.io.env);
  }

  /** The OAuth settings for core's token calls. */
  async oauthConfig(options: { prompt: boolean; purpose?: string } = { prompt: false }): Promise<OAuthConfig> {
    const limits = this.requestLimits(); // a bad value is refused before anything is asked or sent
    const { clientId, clientSecret } = await this.credentials(options);
    const { oauthBaseUrl } = await this.endpoints();
    return { clientId, clientSecret, baseUrl: oauthBaseUrl, loginCommand: this.loginCommand(), ...limits, ...this.injected() };
  }

  /** The fetch and clock the command was given, for core's calls and the API client. */
  injected(): { fetch?: FetchLike; clock?: Clock } {
    return { ...(this.deps.fetch && { fetch: this.deps.fetch }), ...(this.deps.clock && { clock: this.deps.clock }) };
  }

  /** A token manager for this profile's tokens; it needs the client secret (it may refresh). */
  async tokenManager(): Promise<TokenManager> {
    return new TokenManager({ store: await this.store(), key: this.profile, oauth: await this.oauthConfig({ prompt: false, purpose: 'refreshing the token' }) });
  }

  /**
   * The profile's tokens for a command that only uses them: the client id and secret are looked
   * up only if a refresh turns out to be needed, so a valid token works without the secret.
   */
  async tokens(): Promise<OnDemandTokens> {
    return new OnDemandTokens({
      store: await this.store(),
      key: this.profile,
      clock: this.deps.clock ?? systemClock,
      loginCommand: this.loginCommand(),
      manager: () => this.tokenManager(),
    });
  }

  /** The command that logs this profile in again, for error messages. */
  loginCommand(scopes?: readonly string[]): string {
    const parts = ['strava-auth login'];
    if (this.profile !== 'default') parts.push(`--profile ${this.profile}`);
    // A profile on the emulator must log in to the emulator again, not to Strava.
    if (this.#emulatorFlag || this.#configRead?.emulator) parts.push('--emulator');
    if (scopes?.length) parts.push(`--scope ${normalizeScopes(scopes.filter(isScope)).join(',')}`, '--force');
    return parts.join(' ');
  }

  /** Stops the in-process emulator, if one was started. */
  async close(): Promise<void> {
    if (!this.#endpoints) return;
    const { emulator } = await this.#endpoints.catch(() => ({ emulator: undefined }));
    await emulator?.close();
  }
}

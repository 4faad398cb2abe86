import { StravaAuthError } from '../../core/errors/strava-auth-error.ts';

/**
 * The store's tables are not what this release can use: written by a newer strava-auth, or
 * missing or altered by hand. Nothing is migrated down or overwritten.
 */
export class StoreSchemaError extends StravaAuthError {
  readonly store: string;
  /** The schema version found, when the store could read it. */
  readonly foundVersion: number | undefined;
  /** The newest schema version this release knows. */
  readonly supportedVersion: number;

  constructor(options: { store: string; problem: string; remedy: string; foundVersion?: number; supportedVersion: number }) {
    super(`The token store ${options.store} cannot be used: ${options.problem}.`, { code: 'store_schema', remedy: options.remedy });
    this.store = options.store;
    this.foundVersion = options.foundVersion;
    this.supportedVersion = options.supportedVersion;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), store: this.store, foundVersion: this.foundVersion, supportedVersion: this.supportedVersion };
  }
}

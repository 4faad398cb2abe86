import { StravaAuthError } from '../../core/errors/strava-auth-error.ts';

/**
 * The store's database could not be used: down, unreachable, read-only, or refusing the
 * connection. Nothing stored was changed. `store` describes the database without credentials
 * (for example `postgres://127.0.0.1:5432/app` or the SQLite file's path).
 */
export class StoreUnavailableError extends StravaAuthError {
  readonly store: string;

  constructor(options: { store: string; problem: string; remedy: string; cause?: unknown }) {
    super(`The token store ${options.store} is unavailable: ${options.problem}.`, {
      code: 'store_unavailable',
      remedy: options.remedy,
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
    this.store = options.store;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), store: this.store };
  }
}

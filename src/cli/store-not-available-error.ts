import { StravaAuthError } from '../core/errors/strava-auth-error.ts';

/** A store spec names a kind of store this build of strava-auth does not include. */
export class StoreNotAvailableError extends StravaAuthError {
  /** The kind of store, e.g. `sqlite`. */
  readonly kind: string;

  constructor(kind: string) {
    super(`The ${kind} token store is not available in this build of strava-auth.`, {
      code: 'store_not_available',
      remedy: 'Use a directory of token files (file:DIR), or a strava-auth release that includes this store.',
    });
    this.kind = kind;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), kind: this.kind };
  }
}

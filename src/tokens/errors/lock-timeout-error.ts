import { StravaAuthError } from '../../core/errors/strava-auth-error.ts';

/** Who held a lock when a waiter gave up, as far as the store can tell. */
export interface LockHolder {
  pid?: number;
  hostname?: string;
  /** How long ago the holder took the lock (or last showed it was alive), in ms. */
  ageMs?: number;
}

/**
 * Waiting for a key's lock took longer than the timeout. A lock whose holder died is taken over
 * automatically, so this means a live holder is slow or stuck; the message names the lock (the
 * lock file, for a file store) and the holder.
 */
export class LockTimeoutError extends StravaAuthError {
  readonly key: string;
  /** What was locked: the lock file's path, or a description for in-process locks. */
  readonly resource: string;
  readonly waitedMs: number;
  readonly holder: LockHolder | undefined;

  constructor(options: { key: string; resource: string; waitedMs: number; holder?: LockHolder | undefined }) {
    const { key, resource, waitedMs, holder } = options;
    const who =
      holder?.pid !== undefined
        ? `, held by pid ${holder.pid}${holder.hostname ? ` on ${holder.hostname}` : ''}` +
          (holder.ageMs !== undefined ? ` (last alive ${(holder.ageMs / 1000).toFixed(1)} s ago)` : '')
        : '';
    super(`Timed out after ${(waitedMs / 1000).toFixed(1)} s waiting for the token lock of "${key}" (${resource})${who}.`, {
      code: 'lock_timeout',
      remedy:
        'Another process is refreshing these tokens; try again. If it is stuck, stop it: a lock whose holder died is taken over automatically.',
    });
    this.key = key;
    this.resource = resource;
    this.waitedMs = waitedMs;
    this.holder = holder;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), key: this.key, resource: this.resource, waitedMs: this.waitedMs, holder: this.holder };
  }
}

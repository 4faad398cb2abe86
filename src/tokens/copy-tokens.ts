import { forEachKey, type KeyOutcome, type KeyOutcomes } from './key-outcomes.ts';
import type { StoredTokens, TokenStore } from './token-store.ts';

/**
 * What happened to a key: `copied`; `unchanged` (the target already held the same record);
 * `targetNewer` (the target's record is newer, so it was kept); `gone` (deleted from the source
 * meanwhile); `failed` (see the error).
 */
export type CopyOutcome = 'copied' | 'unchanged' | 'targetNewer' | 'gone' | 'failed';

/** Options of {@link copyTokens}. */
export interface CopyTokensOptions {
  from: TokenStore;
  to: TokenStore;
  /** How long to wait for each key's lock, in either store (store default when absent). */
  lockTimeoutMs?: number;
  /** Called after each key, for progress output. */
  onResult?: (result: KeyOutcome<CopyOutcome>) => void;
}

function sameRecord(a: StoredTokens, b: StoredTokens): boolean {
  return a.updatedAt === b.updatedAt && a.tokens.accessToken === b.tokens.accessToken && a.tokens.refreshToken === b.tokens.refreshToken;
}

/**
 * Copies every record of `from` into `to` (say, from the CLI's files into a database, or from an
 * unencrypted store into an encrypted one: each store applies its own cipher).
 *
 * Each key is copied while holding `from`'s lock for it (and `to`'s around the write), so a
 * refresh in another process either finishes before the copy, which then copies the rotated
 * tokens, or waits until after it: a rotation is never lost between read and write. A refresh
 * made in `from` after its key was copied is not in `to`; copy again (records newer in `from`
 * are copied again, equal ones are `unchanged`) once every process uses `to`.
 *
 * A record already in `to` that is newer (`updatedAt`) than the source is kept, reported as
 * `targetNewer`. `from` and `to` must be different stores: the locks are taken in that order,
 * so copying a store onto itself would wait for itself until the lock timeout.
 *
 * @example
 * const { counts } = await copyTokens({ from: new FileStore(), to: sqliteStore });
 * // { copied: 2, unchanged: 0, targetNewer: 0, gone: 0, failed: 0 }
 */
export async function copyTokens(options: CopyTokensOptions): Promise<KeyOutcomes<CopyOutcome>> {
  const { from, to } = options;
  if (from === to) throw new TypeError('copyTokens: "from" and "to" are the same store.');
  const lock = options.lockTimeoutMs === undefined ? {} : { timeoutMs: options.lockTimeoutMs };
  return forEachKey<CopyOutcome>(
    await from.keys(),
    ['copied', 'unchanged', 'targetNewer', 'gone'],
    (key) =>
      from.withLock(
        key,
        async (source) => {
          const record = await source.get();
          if (!record) return 'gone';
          return to.withLock(
            key,
            async (target) => {
              const existing = await target.get();
              if (existing && sameRecord(existing, record)) return 'unchanged';
              if (existing && existing.updatedAt > record.updatedAt) return 'targetNewer';
              await target.set(record);
              return 'copied';
            },
            lock,
          );
        },
        lock,
      ),
    options.onResult,
  );
}

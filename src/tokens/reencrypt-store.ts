import { forEachKey, type KeyOutcome, type KeyOutcomes } from './key-outcomes.ts';
import type { TokenStore } from './token-store.ts';

/** What happened to a key: rewritten under the current key, gone (deleted meanwhile), or failed. */
export type ReencryptOutcome = 'rewritten' | 'gone' | 'failed';

/** Options of {@link reencryptStore}. */
export interface ReencryptOptions {
  /** How long to wait for each key's lock (store default when absent). */
  lockTimeoutMs?: number;
  /** Called after each key, for progress output. */
  onResult?: (result: KeyOutcome<ReencryptOutcome>) => void;
}

/**
 * Rewrites every record of `store` through the store itself, so each is sealed again under the
 * store's current key (and plaintext records get encrypted). Run it after rotating keys; once it
 * reports no failure, the old keys can be dropped. Each record is read and written under its
 * lock, so a refresh running meanwhile in another process is never overwritten with older tokens.
 *
 * A store without a cipher would write plaintext: give the store its cipher first. A record
 * sealed with a key the store lacks fails (`UnknownEncryptionKeyError`) and is left as it is.
 *
 * @example
 * const store = new FileStore({ cipher: await cipherFromEnv(process.env) });
 * const { counts } = await reencryptStore(store); // { rewritten: 3, gone: 0, failed: 0 }
 */
export async function reencryptStore(store: TokenStore, options: ReencryptOptions = {}): Promise<KeyOutcomes<ReencryptOutcome>> {
  const lock = options.lockTimeoutMs === undefined ? {} : { timeoutMs: options.lockTimeoutMs };
  return forEachKey<ReencryptOutcome>(
    await store.keys(),
    ['rewritten', 'gone'],
    (key) =>
      store.withLock(
        key,
        async (locked) => {
          const record = await locked.get();
          if (!record) return 'gone';
          await locked.set(record);
          return 'rewritten';
        },
        lock,
      ),
    options.onResult,
  );
}

import type { Sleep } from '../core/retry.ts';
import { LockTimeoutError } from './errors/lock-timeout-error.ts';
import { KeyedMutex } from './keyed-mutex.ts';
import { assertStoredTokens, assertTokenKey } from './stored-tokens.ts';
import type { LockedTokens, LockOptions, StoredTokens, TokenStore } from './token-store.ts';

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** Default lock timeout (default 60 s). */
  lockTimeoutMs?: number;
  /** Injected wait for lock timeouts (tests). */
  sleep?: Sleep;
}

/**
 * A copy, by hand because it runs on every read and `structuredClone` costs ten times more. The
 * athlete is copied one level deep, as `TokenSet` freezes it.
 */
function copy(record: StoredTokens): StoredTokens {
  const { athlete, scopes } = record.tokens;
  return {
    ...record,
    tokens: { ...record.tokens, scopes: [...scopes], ...(athlete ? { athlete: { ...athlete } } : {}) },
    ...(record.invalid ? { invalid: { ...record.invalid } } : {}),
  };
}

/** Default wait for a key's lock: longer than a refresh with all its retries takes. */
export const DEFAULT_LOCK_TIMEOUT_MS = 60_000;

/**
 * Tokens in this process's memory: for tests, short-lived scripts, and apps that keep tokens
 * elsewhere and save them from the `onRefresh` hook. The lock covers this process only; use a
 * shared store (FileStore, or a database store) when several processes use the same tokens.
 * Records are copied in and out, so a caller can never change what is stored by accident.
 *
 * @example
 * const store = new MemoryStore();
 * const manager = new TokenManager({ store, key: 'default', oauth });
 */
export class MemoryStore implements TokenStore {
  readonly #records = new Map<string, StoredTokens>();
  readonly #mutex = new KeyedMutex();
  readonly #lockTimeoutMs: number;
  readonly #sleep: Sleep | undefined;

  constructor(options: MemoryStoreOptions = {}) {
    this.#lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
    this.#sleep = options.sleep;
  }

  async get(key: string): Promise<StoredTokens | undefined> {
    assertTokenKey(key);
    return this.#read(key);
  }

  async set(key: string, value: StoredTokens): Promise<void> {
    return this.withLock(key, (locked) => locked.set(value));
  }

  async delete(key: string): Promise<void> {
    return this.withLock(key, async () => {
      this.#records.delete(key);
    });
  }

  async keys(): Promise<string[]> {
    return [...this.#records.keys()].sort();
  }

  async withLock<T>(key: string, fn: (locked: LockedTokens) => Promise<T>, options: LockOptions = {}): Promise<T> {
    assertTokenKey(key);
    const timeoutMs = options.timeoutMs ?? this.#lockTimeoutMs;
    const locked: LockedTokens = {
      key,
      get: async () => this.#read(key),
      set: async (value) => {
        assertStoredTokens(value, key);
        this.#records.set(key, copy(value));
      },
    };
    return this.#mutex.run(key, () => fn(locked), {
      timeoutMs,
      onTimeout: () => new LockTimeoutError({ key, resource: 'in-process memory store', waitedMs: timeoutMs }),
      ...(this.#sleep ? { sleep: this.#sleep } : {}),
    });
  }

  #read(key: string): StoredTokens | undefined {
    const record = this.#records.get(key);
    return record && copy(record);
  }
}

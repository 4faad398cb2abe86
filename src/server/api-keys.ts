/**
 * Service API keys: `sak_<id>_<secret>`, 256 random bits. Only the SHA-256 of a key is stored (a
 * plain hash suffices: the keys are random, so there is nothing to guess from a dictionary). A
 * presented key's hash is compared with the environment's hashes in constant time and looked up in
 * the store by its index: the lookup's timing can only tell how the presented key's hash sorts
 * among stored hashes, and a client cannot steer a SHA-256 towards a prefix, so it learns nothing.
 */
import type { Clock } from '../core/clock.ts';
import { sha256Hex, toHex } from '../core/hex.ts';
import { constantTimeEqual, randomToken } from '../core/random.ts';
import { FreshCache } from './fresh-cache.ts';
import { SharedReads } from './shared-reads.ts';
import type { ApiKeyRecord, ServiceStore } from './service-store.ts';

const MAX_REMEMBERED_HASHES = 1024;


/** A new key, and the record to store for it (the key itself is shown once, never stored). */
export interface NewApiKey {
  key: string;
  record: ApiKeyRecord;
}

/** Hex SHA-256 of a key (Web Crypto, so it runs wherever the core does). */
export async function hashApiKey(key: string): Promise<string> {
  return sha256Hex(key);
}

/** Makes a key with a fresh id. */
export async function generateApiKey(label: string, now: number): Promise<NewApiKey> {
  const id = toHex(globalThis.crypto.getRandomValues(new Uint8Array(6)));
  const key = `sak_${id}_${randomToken(32)}`;
  return { key, record: { id, hash: await hashApiKey(key), label, createdAt: now } };
}

/** The bearer credential of an `Authorization` header, or undefined. */
export function bearerCredential(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer[ \t]+([\x21-\x7e]{1,512})[ \t]*$/i.exec(header);
  return match?.[1];
}

/**
 * Checks presented keys against the keys of the environment (`STRAVA_AUTH_API_KEYS`) and the
 * live keys of the service store. A key found live is taken on trust for `cacheMs` (so a
 * revocation holds on every replica within that time); an unknown key is looked up every time, so
 * a key created on any replica works at once.
 */
export class ApiKeyVerifier {
  readonly #store: ServiceStore;
  readonly #envHashes: Promise<string[]>;
  readonly #live: FreshCache<string, true>;
  readonly #lookups: SharedReads<string, boolean>;
  /** Counts announced revocations: a lookup that overlapped one is not cached. */
  #revocations = 0;
  /**
   * Hashes of keys presented lately: hashing is a third of a cached token request's CPU. Bounded
   * (cleared when full), so keys sprayed by a client cannot grow it; holds nothing the process
   * did not already see in a request.
   */
  readonly #hashes = new Map<string, string>();

  constructor(store: ServiceStore, envKeys: readonly string[], cache: { cacheMs: number; clock: Clock }) {
    this.#store = store;
    this.#envHashes = Promise.all(envKeys.map(hashApiKey));
    this.#live = new FreshCache({ ttlMs: cache.cacheMs, clock: cache.clock, maxEntries: MAX_REMEMBERED_HASHES });
    this.#lookups = new SharedReads({ enabled: cache.cacheMs > 0 });
  }

  /**
   * Drops every key found live: one was revoked elsewhere (which one, the announcement does not
   * say). Lookups under way may predate the revocation: they are neither cached nor joined.
   */
  forgetLive(): void {
    this.#revocations++;
    this.#live.clear();
    this.#lookups.forget();
  }

  /** Whether `key` was found live less than `cacheMs` ago: the answer {@link verify} would give, without waiting. */
  isKnownLive(key: string | undefined): boolean {
    const hash = key === undefined ? undefined : this.#hashes.get(key);
    return hash !== undefined && this.#live.get(hash) === true;
  }

  /** Whether `key` is a live key. Store failures propagate (the caller answers 503, not 401). */
  async verify(key: string | undefined): Promise<boolean> {
    if (key === undefined) return false;
    let presented = this.#hashes.get(key);
    if (presented === undefined) {
      presented = await hashApiKey(key);
      if (this.#hashes.size >= MAX_REMEMBERED_HASHES) this.#hashes.clear();
      this.#hashes.set(key, presented);
    }
    // Only the very key found live skips the checks below: this tells a client nothing the 200 does not.
    if (this.#live.get(presented)) return true;
    let found = false;
    // Every hash is compared, so the time says nothing about which one (if any) matched.
    for (const envHash of await this.#envHashes) found = constantTimeEqual(presented, envHash) || found;
    // The store is asked even when an environment key matched, so both take the same time.
    const hash = presented;
    const revocations = this.#revocations;
    const stored = await this.#lookups.run(hash, () => this.#store.hasApiKeyHash(hash));
    // An environment key cannot be revoked; a stored one found before a revocation was announced may be the revoked one.
    if (found || (stored && revocations === this.#revocations)) this.#live.set(presented, true);
    return found || stored;
  }
}

/** Splits `STRAVA_AUTH_API_KEYS` (comma-separated; blanks ignored). */
export function apiKeysFromEnv(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter((key) => key !== '');
}

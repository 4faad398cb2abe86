import { hostname } from 'node:os';
import { closeSync, fstatSync, openSync, readFileSync, statSync } from 'node:fs';
import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { systemClock, type Clock } from '../core/clock.ts';
import type { Sleep } from '../core/retry.ts';
import { LockTimeoutError } from '../tokens/errors/lock-timeout-error.ts';
import { KeyedMutex } from '../tokens/keyed-mutex.ts';
import { DEFAULT_LOCK_TIMEOUT_MS } from '../tokens/memory-store.ts';
import { assertStoredTokens, assertTokenKey, describeStoredTokensProblem } from '../tokens/stored-tokens.ts';
import type { LockedTokens, LockOptions, StoredTokens, TokenStore } from '../tokens/token-store.ts';
import type { TokenSetData } from '../core/token-set.ts';
import { assertPlaintextAllowed, openSecrets, sealSecrets } from '../tokens/sealed-secrets.ts';
import { isSealed, type TokenCipher } from '../tokens/token-cipher.ts';
import { defaultTokenDir } from './config-dir.ts';
import { CorruptTokenFileError } from './errors/corrupt-token-file-error.ts';
import { DEFAULT_STALE_LOCK_MS, removeLockDrafts, withFileLock } from './file-lock.ts';
import { emitWarning, ensurePrivateDir, permissionWarning, syncDir, isTempFileOf, syntaxErrorPlace, writeFileAtomic, type Warn } from './private-files.ts';
import { errnoCode } from './errno-code.ts';

/**
 * The newest token file format this release reads and writes. Version 1 holds the tokens in
 * plaintext and is still what a store without a cipher writes (so older releases keep reading
 * those files); version 2 holds them sealed in `secrets` (see `TokenCipher`), which an older
 * release refuses with "written by a newer strava-auth" instead of misreading.
 */
export const TOKEN_FILE_VERSION = 2;
const PLAINTEXT_FILE_VERSION = 1;

/** Options of {@link FileStore}. */
export interface FileStoreOptions {
  /** Directory of the token files (default `$XDG_CONFIG_HOME/strava-auth/tokens`, else `~/.config/strava-auth/tokens`). */
  dir?: string;
  /** Receives permission warnings (default: `process.emitWarning`). Each is given once per file and mode. */
  warn?: Warn;
  /** How long to wait for a key's lock (default 60 s). */
  lockTimeoutMs?: number;
  /** A lock holder that has not shown life (heartbeat) for this long is presumed dead (default 30 s). */
  staleLockMs?: number;
  /** Measures lock waits and ages (default the system clock); not the tokens' expiry. */
  clock?: Clock;
  /** Paces polling of a lock another process holds (tests inject one that moves a manual clock). */
  sleep?: Sleep;
  /**
   * Encrypts the tokens at rest (e.g. `await cipherFromEnv(process.env)`): files then hold them
   * sealed. Without one, plaintext files are read and written, sealed files are refused with
   * `EncryptionKeyMissingError` (never overwritten with plaintext).
   */
  cipher?: TokenCipher | undefined;
}

/** A token file as read from disk: a whole record, or one whose tokens are sealed. */
export type TokenFileContent =
  | { sealed: undefined; record: StoredTokens }
  | { sealed: string; record: Omit<StoredTokens, 'tokens'> & { tokens: Omit<TokenSetData, 'accessToken' | 'refreshToken'> } };

/**
 * Reads a token file's text, or explains what is wrong with it. A sealed file's record lacks the
 * two tokens, which `sealed` holds (open it with `openSecrets`).
 */
export function parseTokenFile(text: string, path: string): TokenFileContent {
  if (text.trim() === '') throw new CorruptTokenFileError(path, 'the file is empty');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CorruptTokenFileError(path, `it is not valid JSON${syntaxErrorPlace(error, text)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CorruptTokenFileError(path, 'it does not hold a JSON object');
  }
  const { version, tokens, secrets, invalid, updatedAt } = value as Record<string, unknown>;
  if (typeof version === 'number' && version > TOKEN_FILE_VERSION) {
    throw new CorruptTokenFileError(path, `it was written by a newer strava-auth (format version ${version}); upgrade strava-auth`);
  }
  if (version !== PLAINTEXT_FILE_VERSION && version !== TOKEN_FILE_VERSION) throw new CorruptTokenFileError(path, `"version" must be ${PLAINTEXT_FILE_VERSION} or ${TOKEN_FILE_VERSION}`);
  const record = { tokens, updatedAt, ...(invalid === undefined ? {} : { invalid }) };
  if (version === PLAINTEXT_FILE_VERSION) {
    const problem = describeStoredTokensProblem(record);
    if (problem) throw new CorruptTokenFileError(path, problem);
    return { sealed: undefined, record: record as StoredTokens };
  }
  if (typeof secrets !== 'string' || !isSealed(secrets)) throw new CorruptTokenFileError(path, '"secrets" must hold the encrypted tokens (enc:v1:...)');
  // Checked with stand-ins for the sealed tokens, so every other field is checked as in version 1.
  const problem = describeStoredTokensProblem({ ...record, tokens: { ...(tokens as object), accessToken: 'sealed', refreshToken: 'sealed' } });
  if (problem) throw new CorruptTokenFileError(path, problem);
  return { sealed: secrets, record: record as Extract<TokenFileContent, { sealed: string }>['record'] };
}

/**
 * The text of a token file: versioned, indented for people who look inside. With `sealed` (from
 * `sealSecrets`), a version 2 file whose `secrets` replace the two tokens.
 */
export function formatTokenFile(value: StoredTokens, sealed?: string): string {
  const { accessToken, refreshToken, ...rest } = value.tokens;
  const head = sealed === undefined ? { version: PLAINTEXT_FILE_VERSION, tokens: value.tokens } : { version: TOKEN_FILE_VERSION, tokens: rest, secrets: sealed };
  const record = { ...head, ...(value.invalid ? { invalid: value.invalid } : {}), updatedAt: value.updatedAt };
  return `${JSON.stringify(record, null, 2)}\n`;
}

/** The sealed secrets of a token file's text, if it holds any (anything unreadable: none). */
function sealedSecretsIn(text: string): string | undefined {
  try {
    const secrets = (JSON.parse(text) as { secrets?: unknown } | null)?.secrets;
    return typeof secrets === 'string' ? secrets : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Tokens in JSON files, one per key (`<dir>/<key>.json`), shared safely by every process of the
 * user: the CLI's default store.
 *
 * - One file per key: one athlete's refresh never waits for another's lock, a write can only
 *   ever touch one profile, and a damaged file costs one profile, not all.
 * - Private: the directory is created 0700 and files are written 0600 whatever the umask; reads
 *   warn (once) with the `chmod` command when a file or the directory is open to others.
 * - Atomic: every write is temp file + fsync + rename + directory fsync, so a crash or `kill -9`
 *   at any instant leaves the old record or the new one.
 * - Never silently overwritten: a file that is not valid JSON, misses a field or comes from a
 *   newer version throws `CorruptTokenFileError` naming the file and the problem. (An explicit
 *   `set`, such as a new login, does replace it.)
 * - Encrypted at rest with a `cipher` (format version 2: the tokens sealed in `secrets`, the
 *   rest readable). Plaintext files stay readable either way; a sealed file is never read or
 *   overwritten with plaintext by a store without the key (`EncryptionKeyMissingError`).
 * - Locked per key across processes with a lock directory that survives dead holders
 *   (see `file-lock.ts`); in-process callers queue in memory in front of it.
 *
 * @example
 * const store = new FileStore(); // ~/.config/strava-auth/tokens
 * const manager = new TokenManager({ store, key: 'default', oauth: { clientId, clientSecret } });
 */
export class FileStore implements TokenStore {
  /** The directory holding the token files. */
  readonly dir: string;
  readonly #warn: Warn;
  readonly #lockTimeoutMs: number;
  readonly #staleLockMs: number;
  readonly #clock: Clock;
  readonly #sleep: Sleep | undefined;
  readonly #cipher: TokenCipher | undefined;
  readonly #mutex = new KeyedMutex();
  /** Warnings already given, as `path:mode`, so a hot read path does not repeat them. */
  readonly #warned = new Set<string>();
  #dirChecked = false;

  constructor(options: FileStoreOptions = {}) {
    this.dir = options.dir ?? defaultTokenDir();
    this.#warn = options.warn ?? emitWarning;
    this.#lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
    this.#staleLockMs = options.staleLockMs ?? DEFAULT_STALE_LOCK_MS;
    this.#clock = options.clock ?? systemClock;
    this.#sleep = options.sleep;
    this.#cipher = options.cipher;
  }

  /** The file holding `key`'s tokens. */
  pathOf(key: string): string {
    assertTokenKey(key);
    return join(this.dir, `${key}.json`);
  }

  /** The lock directory of `key`. */
  lockPathOf(key: string): string {
    assertTokenKey(key);
    return join(this.dir, `${key}.lock`);
  }

  async get(key: string): Promise<StoredTokens | undefined> {
    return this.#read(key, this.pathOf(key));
  }

  async set(key: string, value: StoredTokens): Promise<void> {
    return this.withLock(key, (locked) => locked.set(value));
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    return this.withLock(key, async () => {
      try {
        await unlink(path);
      } catch (error) {
        if (errnoCode(error) === 'ENOENT') return;
        throw error;
      }
      await syncDir(this.dir);
    });
  }

  async keys(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return [];
      throw error;
    }
    return names
      .filter((name) => name.endsWith('.json'))
      .map((name) => name.slice(0, -'.json'.length))
      .filter((key) => {
        try {
          assertTokenKey(key);
          return true;
        } catch {
          return false;
        }
      })
      .sort();
  }

  async withLock<T>(key: string, fn: (locked: LockedTokens) => Promise<T>, options: LockOptions = {}): Promise<T> {
    const path = this.pathOf(key);
    const lockPath = this.lockPathOf(key);
    const timeoutMs = options.timeoutMs ?? this.#lockTimeoutMs;
    const start = this.#clock.now();
    const locked: LockedTokens = {
      key,
      get: () => this.#read(key, path),
      set: (value) => this.#write(key, path, lockPath, value),
    };
    return this.#mutex.run(
      key,
      async () => {
        await ensurePrivateDir(this.dir);
        return withFileLock(lockPath, () => fn(locked), {
          key,
          timeoutMs: Math.max(0, timeoutMs - (this.#clock.now() - start)),
          staleMs: this.#staleLockMs,
          clock: this.#clock,
          ...(this.#sleep ? { sleep: this.#sleep } : {}),
          onLost: () =>
            this.#warn(
              `strava-auth: the lock ${lockPath} was taken over while this process held it (was it paused for more than ${this.#staleLockMs / 1000} s?).`,
            ),
        });
      },
      {
        timeoutMs,
        // Another caller of this very process holds the lock (calling store.set or withLock for
        // the same key inside withLock ends here too: use the locked view there).
        onTimeout: () =>
          new LockTimeoutError({ key, resource: `${lockPath}, queued in this process`, waitedMs: timeoutMs, holder: { pid: process.pid, hostname: hostname() } }),
      },
    );
  }

  /**
   * Reads synchronously, on purpose: this is the hot path (every `getAccessToken()` call), a token
   * file is a few hundred bytes on a local disk, and one blocking read costs ~10 µs where the
   * asynchronous version costs four thread-pool round trips (~300 µs measured). Writes and lock
   * waits, which can take milliseconds, stay asynchronous. A sealed file is opened by the cipher,
   * which remembers what it opened, so reading the same file again skips the decryption.
   */
  async #read(key: string, path: string): Promise<StoredTokens | undefined> {
    const text = this.#readText(path);
    if (text === undefined) return undefined;
    const { sealed, record } = parseTokenFile(text, path);
    if (sealed === undefined) return record;
    const secrets = await openSecrets(sealed, key, this.#cipher, path);
    return { ...record, tokens: { ...record.tokens, ...secrets } };
  }

  #readText(path: string): string | undefined {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return undefined;
      throw error;
    }
    let text: string;
    try {
      // The mode is read from the open file itself, so it describes exactly what is read.
      this.#checkMode(path, fstatSync(fd).mode, 'file');
      text = readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
    if (!this.#dirChecked) {
      this.#dirChecked = true;
      this.#checkMode(this.dir, statSync(this.dir).mode, 'directory');
    }
    return text;
  }

  async #write(key: string, path: string, lockPath: string, value: StoredTokens): Promise<void> {
    assertStoredTokens(value, key);
    if (!this.#cipher) {
      const existing = this.#readText(path);
      assertPlaintextAllowed(existing === undefined ? undefined : sealedSecretsIn(existing), key, this.#cipher);
    }
    const sealed = this.#cipher ? (await sealSecrets(value.tokens, key, this.#cipher)).text : undefined;
    await ensurePrivateDir(this.dir);
    await writeFileAtomic(path, formatTokenFile(value, sealed));
    await this.#removeDebris(path, lockPath);
  }

  /**
   * Removes what writers and waiters killed mid-step left behind. Runs with the key's lock held,
   * so any temporary token file of this key belongs to a dead writer.
   */
  async #removeDebris(path: string, lockPath: string): Promise<void> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    await Promise.all(names.filter((name) => isTempFileOf(path, name)).map((name) => unlink(join(this.dir, name)).catch(() => {})));
    await removeLockDrafts(lockPath, { staleMs: this.#staleLockMs, clock: this.#clock });
  }

  #checkMode(path: string, mode: number, kind: 'file' | 'directory'): void {
    const warning = permissionWarning(path, mode, kind);
    const seen = `${path}:${mode}`;
    if (warning === undefined || this.#warned.has(seen)) return;
    this.#warned.add(seen);
    this.#warn(warning);
  }
}

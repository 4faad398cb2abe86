/**
 * A lock shared by every process that can see a directory, built from atomic file-system steps
 * only (no native code, no lock daemon), that survives holders that die and never waits forever.
 *
 * Scheme. The lock is a directory, `<name>.lock/`, holding exactly one marker file
 * `<random token>.json` (`{ pid, hostname, createdAt }`).
 * - Acquire: build `.<name>.lock.<token>.tmp/<token>.json` privately, then `rename` it to
 *   `<name>.lock`. `rename` of a directory onto a non-empty one fails, so exactly one contender
 *   wins, and the lock never exists without its marker (no window in which it looks abandoned).
 * - Alive: the holder touches its marker every `staleMs / 3` (a heartbeat), so a long refresh
 *   (slow network, retries) is never mistaken for a dead holder.
 * - Stale: the holder's pid is gone on this host (`kill(pid, 0)` → ESRCH), or the marker has not
 *   been touched for `staleMs` (a holder on another host, or a reused pid).
 * - Takeover: unlink the stale marker by its unique name, then `rmdir` the empty lock. Unlinking
 *   a uniquely named file is a compare-and-delete: if two waiters judge the same holder stale,
 *   only one unlink succeeds, and neither can remove a lock someone took in the meantime (its
 *   marker has another name). Taking the lock afterwards is again the atomic rename.
 * - Waiting: bounded, jittered backoff (2 ms doubling to 100 ms), then `LockTimeoutError` naming
 *   the lock and its holder.
 */
import { mkdir, readdir, readFile, rename, rm, rmdir, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { systemClock, type Clock } from '../core/clock.ts';
import { realSleep, type Sleep } from '../core/retry.ts';
import { LockTimeoutError } from '../tokens/errors/lock-timeout-error.ts';
import { escapeRegExp } from './private-files.ts';
import { errnoCode } from './errno-code.ts';
import { lockBackoff } from './lock-backoff.ts';

/** Default wait for a lock. */
export const DEFAULT_FILE_LOCK_TIMEOUT_MS = 60_000;
/** Default time without a heartbeat after which a holder is presumed dead. */
export const DEFAULT_STALE_LOCK_MS = 30_000;

const MARKER_NAME = /^[0-9a-f]{32}\.json$/;

/** What a lock marker says about its holder. */
export interface LockMarker {
  pid: number;
  hostname: string;
  /** When the holder took the lock, ms since the epoch. */
  createdAt: number;
}

/** A lock (or a waiter's private draft of one) as found on disk. */
export interface LockHolderState {
  markerPath: string;
  /** Undefined when the marker cannot be read as JSON (e.g. after a power cut). */
  marker: LockMarker | undefined;
  /** Time since the marker was last touched (heartbeat), by the lock's clock. */
  ageMs: number;
}

/** Options of {@link acquireFileLock}. */
export interface FileLockOptions {
  /** Names the lock in errors (default: the lock's file name). */
  key?: string;
  timeoutMs?: number;
  staleMs?: number;
  /** Measures waiting and marker ages; heartbeats write its time (default the system clock). */
  clock?: Clock;
  /** Waits between attempts (tests inject one that moves a manual clock). */
  sleep?: Sleep;
  /** Called when the heartbeat or the release finds the marker gone: the lock was taken over. */
  onLost?: (lockPath: string) => void;
}

/** A held lock. */
export interface FileLockHandle {
  readonly path: string;
  /** True once the marker was found gone: another process decided this holder was dead. */
  readonly lost: boolean;
  release(): Promise<void>;
}

/** Whether process `pid` exists on this host (EPERM: it exists, owned by someone else). */
export function processExists(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) === 'EPERM';
  }
}

function readMarker(text: string): LockMarker | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockMarker>;
    if (typeof value.pid === 'number' && typeof value.hostname === 'string' && typeof value.createdAt === 'number') {
      return { pid: value.pid, hostname: value.hostname, createdAt: value.createdAt };
    }
  } catch {
    // An unreadable marker is judged by its age alone.
  }
  return undefined;
}

/**
 * Reads a lock directory: its holder, `'empty'` (a release or takeover was interrupted between
 * its two steps), or undefined when there is no lock (any more).
 */
export async function readLockHolder(lockPath: string, clock: Clock = systemClock): Promise<LockHolderState | 'empty' | undefined> {
  let names: string[];
  try {
    names = await readdir(lockPath);
  } catch (error) {
    if (['ENOENT', 'ENOTDIR'].includes(errnoCode(error))) return undefined;
    throw error;
  }
  const name = names.find((entry) => MARKER_NAME.test(entry));
  if (name === undefined) return 'empty';
  const markerPath = join(lockPath, name);
  try {
    const [text, info] = await Promise.all([readFile(markerPath, 'utf8'), stat(markerPath)]);
    return { markerPath, marker: readMarker(text), ageMs: clock.now() - info.mtimeMs };
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/** Whether a holder is dead: its pid is gone on this host, or it has shown no life for `staleMs`. */
export function isStaleHolder(holder: LockHolderState, staleMs: number, hostname: string = osHostname()): boolean {
  if (holder.ageMs > staleMs) return true;
  return holder.marker !== undefined && holder.marker.hostname === hostname && !processExists(holder.marker.pid);
}

/** Sets a file's modification time to the clock's now: the heartbeat. */
function touch(path: string, clock: Clock): Promise<void> {
  const seconds = clock.now() / 1000;
  return utimes(path, seconds, seconds);
}

/** Removes the drafts (`.<name>.lock.*.tmp/`) that waiters killed while waiting left behind. */
export async function removeLockDrafts(lockPath: string, options: { staleMs?: number; clock?: Clock } = {}): Promise<void> {
  const dir = dirname(lockPath);
  const draftName = new RegExp(`^\\.${escapeRegExp(basename(lockPath))}\\.[0-9a-f]{32}\\.tmp$`);
  const clock = options.clock ?? systemClock;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!draftName.test(name)) continue;
    const draft = join(dir, name);
    const staleMs = options.staleMs ?? DEFAULT_STALE_LOCK_MS;
    const holder = await readLockHolder(draft, clock).catch(() => undefined);
    // A live waiter touches its draft on every attempt, so only dead waiters' drafts go. An empty
    // draft may be one being written this instant: it goes only once it is old.
    const dead =
      holder === 'empty'
        ? clock.now() - (await stat(draft).then((info) => info.mtimeMs, () => clock.now())) > staleMs
        : holder !== undefined && isStaleHolder(holder, staleMs);
    if (dead) await rm(draft, { recursive: true, force: true });
  }
}

/**
 * Takes the lock at `lockPath` (a directory path such as `tokens/default.lock`), waiting while
 * a live process holds it and taking over from a dead one. Release it in a `finally`.
 *
 * @example
 * const lock = await acquireFileLock('/home/me/.config/strava-auth/tokens/default.lock');
 * try { ... } finally { await lock.release(); }
 */
export async function acquireFileLock(lockPath: string, options: FileLockOptions = {}): Promise<FileLockHandle> {
  const clock = options.clock ?? systemClock;
  const sleep = options.sleep ?? realSleep;
  const timeoutMs = options.timeoutMs ?? DEFAULT_FILE_LOCK_TIMEOUT_MS;
  const staleMs = options.staleMs ?? DEFAULT_STALE_LOCK_MS;
  // Loaded here, not at the top: node:crypto costs ~9 ms at start-up and `strava-auth token`'s
  // fast path imports this module without ever taking a lock.
  const { randomBytes } = await import('node:crypto');
  const token = randomBytes(16).toString('hex');
  const draft = join(dirname(lockPath), `.${basename(lockPath)}.${token}.tmp`);
  const markerPath = join(lockPath, `${token}.json`);
  const hostname = osHostname();

  await mkdir(draft, { mode: 0o700 });
  try {
    const marker: LockMarker = { pid: process.pid, hostname, createdAt: clock.now() };
    await writeFile(join(draft, `${token}.json`), JSON.stringify(marker), { mode: 0o600 });
    const wait = { start: clock.now(), timeoutMs, clock, sleep };
    let holder: LockHolderState | undefined;
    let quickRetries = 0;
    for (let attempt = 0; ; attempt++) {
      await touch(join(draft, `${token}.json`), clock); // the lock's age starts now, and a waiter looks alive
      try {
        await rename(draft, lockPath);
        return holdLock(lockPath, markerPath, clock, staleMs, options.onLost);
      } catch (error) {
        // Windows refuses to rename a directory onto an existing one with EPERM/EACCES.
        if (!['EEXIST', 'ENOTEMPTY', 'EPERM', 'EACCES'].includes(errnoCode(error))) throw error;
      }
      const found = await readLockHolder(lockPath, clock);
      let progressed = false;
      if (found === undefined) {
        progressed = true; // released in the meantime
      } else if (found === 'empty') {
        await rmdir(lockPath).catch(() => {});
        progressed = true;
      } else if (isStaleHolder(found, staleMs, hostname)) {
        // Compare-and-delete by unique name: only one waiter removes this holder's marker.
        await unlink(found.markerPath).then(
          () => rmdir(lockPath).catch(() => {}),
          () => {},
        );
        progressed = true;
      } else {
        holder = found;
      }
      if (progressed && quickRetries++ < 3) continue;
      quickRetries = 0;
      await lockBackoff(attempt, wait, (waitedMs) =>
        new LockTimeoutError({
          key: options.key ?? basename(lockPath),
          resource: lockPath,
          waitedMs,
          holder: holder && { ...(holder.marker ? { pid: holder.marker.pid, hostname: holder.marker.hostname } : {}), ageMs: holder.ageMs },
        }),
      );
    }
  } catch (error) {
    await rm(draft, { recursive: true, force: true });
    throw error;
  }
}

function holdLock(lockPath: string, markerPath: string, clock: Clock, staleMs: number, onLost?: (lockPath: string) => void): FileLockHandle {
  let lost = false;
  const markLost = () => {
    if (lost) return;
    lost = true;
    onLost?.(lockPath);
  };
  const heartbeat = setInterval(() => {
    touch(markerPath, clock).catch((error: unknown) => {
      if (errnoCode(error) === 'ENOENT') {
        clearInterval(heartbeat);
        markLost();
      }
    });
  }, Math.max(10, Math.floor(staleMs / 3)));
  heartbeat.unref();
  let released = false;
  return {
    path: lockPath,
    get lost() {
      return lost;
    },
    async release() {
      if (released) return;
      released = true;
      clearInterval(heartbeat);
      try {
        await unlink(markerPath);
      } catch (error) {
        if (errnoCode(error) !== 'ENOENT') throw error;
        markLost();
        return;
      }
      // Fails harmlessly (ENOTEMPTY) when a waiter already renamed its lock onto the empty directory.
      await rmdir(lockPath).catch(() => {});
    },
  };
}

/** Runs `fn` while holding the lock at `lockPath`; see {@link acquireFileLock}. */
export async function withFileLock<T>(lockPath: string, fn: (lock: FileLockHandle) => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const lock = await acquireFileLock(lockPath, options);
  try {
    return await fn(lock);
  } finally {
    await lock.release();
  }
}

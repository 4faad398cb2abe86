/**
 * The `statePath` file: loaded at start, saved after changes, so a CLI's `--emulator` mode keeps
 * its tokens and what API calls changed across runs. Writes are atomic (temp file, fsync,
 * rename) and private (0600): the file holds live tokens, and a crash mid-write must not leave
 * half a file. Several processes share one file through {@link StateFile.transaction}: each
 * request runs under a lock, on the state as last saved by anyone.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { withFileLock } from '../node/file-lock.ts';
import type { StateSnapshot } from './state.ts';
import { errnoCode } from '../node/errno-code.ts';

/** Identifies one version of the file: every save is a rename, so a new inode. */
type Version = string;

function versionOf(path: string): Version | null {
  try {
    const stat = statSync(path);
    return `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeMs}`;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** One state file. Changes are coalesced: many in one request cost one write. */
export class StateFile {
  readonly path: string;
  readonly #snapshot: () => StateSnapshot;
  readonly #onError: (error: unknown) => void;
  #dirty = false;
  /** The version this process last loaded or saved. */
  #version: Version | null = null;
  /** Requests of this process, one at a time (the file lock is per process, not per request). */
  #queue: Promise<unknown> = Promise.resolve();

  /** `snapshot` supplies what to write; `onError` hears about writes that failed in the background. */
  constructor(path: string, snapshot: () => StateSnapshot, onError: (error: unknown) => void) {
    this.path = path;
    this.#snapshot = snapshot;
    this.#onError = onError;
  }

  /** The saved state, or null when there is no file yet. A broken file is an error, never silently replaced. */
  load(): StateSnapshot | null {
    let text: string;
    const version = versionOf(this.path);
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return null;
      throw error;
    }
    this.#version = version;
    const snapshot = parseJson(text) as Partial<StateSnapshot> | null;
    if (snapshot?.version !== 1 || !Array.isArray(snapshot.grants)) {
      throw new Error(`${this.path} is not an emulator state file (version 1); move it away to start afresh.`);
    }
    return {
      version: 1,
      athletes: snapshot.athletes ?? [],
      authorizations: snapshot.authorizations ?? [],
      codes: snapshot.codes ?? [],
      grants: snapshot.grants,
      pushSubscriptions: Array.isArray(snapshot.pushSubscriptions) ? snapshot.pushSubscriptions : [],
      ...(isApiSnapshot(snapshot.api) && { api: snapshot.api }),
    };
  }

  /**
   * Runs `fn` (one request) under the file's lock, on the state as last saved: when another
   * process saved since this one last loaded or saved, `restore` gets the newer snapshot first.
   * Changes are saved before the lock is released, so concurrent CLI runs never lose each
   * other's writes. Requests of one process run one at a time.
   */
  transaction<T>(restore: (snapshot: StateSnapshot) => void, fn: () => Promise<T>): Promise<T> {
    const run = () => {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 }); // the lock lives beside the file
      return withFileLock(`${this.path}.lock`, async () => {
        if (versionOf(this.path) !== this.#version) {
          const saved = this.load();
          if (saved) restore(saved);
        }
        try {
          return await fn();
        } finally {
          this.flush();
        }
      }, { key: 'emulator state' });
    };
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => {});
    return result;
  }

  /**
   * Notes a change and saves in a microtask: after the synchronous state update that called it,
   * before any response is written (the server also calls {@link flush} before writing).
   */
  markDirty(): void {
    if (this.#dirty) return;
    this.#dirty = true;
    queueMicrotask(() => {
      try {
        this.flush();
      } catch (error) {
        this.#onError(error);
      }
    });
  }

  /** Saves now if anything changed since the last save. */
  flush(): void {
    if (!this.#dirty) return;
    this.#dirty = false;
    writeAtomically(this.path, `${JSON.stringify(this.#snapshot(), null, 2)}\n`);
    this.#version = versionOf(this.path);
  }
}

function isApiSnapshot(value: unknown): value is NonNullable<StateSnapshot['api']> {
  const v = value as StateSnapshot['api'];
  return (
    typeof v === 'object' && v !== null &&
    Array.isArray(v.activities?.records) && Number.isSafeInteger(v.activities.nextId) &&
    Array.isArray(v.uploads?.uploads) && Array.isArray(v.uploads.seen) && Number.isSafeInteger(v.uploads.nextId) &&
    Array.isArray(v.extras)
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null; // Reported by the caller with the file's name.
  }
}

function writeAtomically(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(temp, path);
  syncDirectory(dirname(path));
}

/** Makes the rename itself durable. Best effort: not every platform can open a directory. */
function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Windows and some file systems refuse; the data itself is already synced.
  }
}

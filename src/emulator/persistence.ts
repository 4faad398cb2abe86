/**
 * The `statePath` file: loaded once at start, saved after changes, so a CLI's `--emulator` mode
 * keeps its tokens across runs. Writes are atomic (temp file, fsync, rename) and private (0600):
 * the file holds live tokens, and a crash mid-write must not leave half a file.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { StateSnapshot } from './state.ts';
import { errnoCode } from '../node/errno-code.ts';

/** One state file. Changes are coalesced: many in one request cost one write. */
export class StateFile {
  readonly path: string;
  readonly #snapshot: () => StateSnapshot;
  readonly #onError: (error: unknown) => void;
  #dirty = false;

  /** `snapshot` supplies what to write; `onError` hears about writes that failed in the background. */
  constructor(path: string, snapshot: () => StateSnapshot, onError: (error: unknown) => void) {
    this.path = path;
    this.#snapshot = snapshot;
    this.#onError = onError;
  }

  /** The saved state, or null when there is no file yet. A broken file is an error, never silently replaced. */
  load(): StateSnapshot | null {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return null;
      throw error;
    }
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
    };
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
  }
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

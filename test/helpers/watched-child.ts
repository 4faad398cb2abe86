/**
 * Bounded waits on a child process's output. A wait rejects when the child exits first (with its
 * exit code or signal and the end of its stderr in the message) or when its bound passes, so a
 * test whose child died or hangs fails with the reason instead of hanging.
 */
import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';

/**
 * Default bound of one wait for a child's output. The slowest honest wait (a CLI login that drives
 * a real Chromium, on a loaded two-core machine) takes a few seconds: this leaves a wide margin
 * and still fails well inside the per-test timeout of `npm test`.
 */
export const OUTPUT_WAIT_MS = 30_000;

/**
 * Default bound of a wait for a child to exit. Commands end in a few seconds against the emulator
 * (the slowest, a login through Chromium, in about 5 s under load); one that gives up on a dead
 * network may take up to about 60 s by design. Below the per-test timeout of `npm test` (120 s),
 * so the message names the child.
 */
export const EXIT_WAIT_MS = 90_000;

/** How much of the end of stderr a failure message quotes. */
const STDERR_TAIL = 2_000;

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Registers a listener and returns how to remove it; `deliver` may be called at once. */
export type Subscribe<T> = (deliver: (value: T) => void) => () => void;

/** A child whose exit and stderr are followed from the moment it is spawned. */
export class WatchedChild {
  readonly child: ChildProcess;
  /** What the child is, for messages (`strava-auth token`, `token worker`). */
  readonly name: string;
  /** Resolves once the child has exited and its output streams are closed (nothing more will arrive). */
  readonly closed: Promise<ChildExit>;
  #exit: ChildExit | undefined;
  #stderr = '';

  /** Call right after `spawn`, before any await, so no exit or output is missed. */
  constructor(child: ChildProcess, name: string) {
    this.child = child;
    this.name = name;
    child.stderr?.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString('utf8')).slice(-STDERR_TAIL);
    });
    this.closed = new Promise((resolve) => {
      child.once('close', (code, signal) => {
        this.#exit = { code, signal };
        resolve(this.#exit);
      });
    });
  }

  /** Whether the child has exited and closed its output. */
  get exited(): boolean {
    return this.#exit !== undefined;
  }

  /**
   * The first value `subscribe` delivers. Rejects if the child exits before delivering one, or
   * after `timeoutMs` (the child is left running: the caller's cleanup ends it).
   */
  waitFor<T>(what: string, subscribe: Subscribe<T>, timeoutMs: number = OUTPUT_WAIT_MS): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      let unsubscribe = () => {};
      let timer: NodeJS.Timeout | undefined;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        unsubscribe();
        outcome();
      };
      unsubscribe = subscribe((value) => settle(() => resolve(value)));
      if (settled) return unsubscribe();
      void this.closed.then((exit) => settle(() => reject(new Error(`${this.name} (pid ${this.child.pid}) exited ${describeExit(exit)} before showing ${what}.${this.#stderrTail()}`))));
      timer = setTimeout(
        () => settle(() => reject(new Error(`${this.name} (pid ${this.child.pid}) is still running and has not shown ${what} within ${timeoutMs} ms.${this.#stderrTail()}`))),
        timeoutMs,
      );
    });
  }

  /**
   * Resolves with `text()` once it matches `pattern`, checked now and after each chunk `stream`
   * delivers (`text()` is the caller's record of everything read so far).
   */
  waitForMatch(stream: Readable, text: () => string, pattern: RegExp, where: string, timeoutMs?: number): Promise<string> {
    return this.waitFor(
      `${where} matching ${pattern}`,
      (deliver) => {
        const check = () => {
          if (pattern.test(text())) deliver(text());
        };
        stream.on('data', check);
        check();
        return () => stream.off('data', check);
      },
      timeoutMs,
    );
  }

  /**
   * The child's exit. Rejects if it is still running after `timeoutMs`, and ends it then (a
   * command that should have finished but hangs).
   */
  exit(timeoutMs: number = EXIT_WAIT_MS): Promise<ChildExit> {
    if (this.#exit) return Promise.resolve(this.#exit);
    return new Promise<ChildExit>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`${this.name} (pid ${this.child.pid}) did not exit within ${timeoutMs} ms; killed.${this.#stderrTail()}`));
        this.kill();
      }, timeoutMs);
      void this.closed.then((exit) => {
        clearTimeout(timer);
        resolve(exit);
      });
    });
  }

  /** Ends the child if it still runs (a test's cleanup). */
  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }

  #stderrTail(): string {
    return this.#stderr ? `\nLast stderr:\n${this.#stderr}` : ' It wrote nothing to stderr.';
  }
}

function describeExit(exit: ChildExit): string {
  return exit.signal ? `on signal ${exit.signal}` : `with code ${exit.code}`;
}

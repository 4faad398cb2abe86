/**
 * Runs the CLI in this process (`main` with fake IO), gh-style: stdout and stderr captured
 * exactly, stdin from a string (or left open, with `start`), env and working directory of the
 * test's own, no TTY. The config directory is a fresh temporary one, removed after the test.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import type { TestContext } from 'node:test';
import type { CommandDeps } from '../../src/cli/command.ts';
import type { Io } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';

export interface FakeRun {
  code: number;
  stdout: string;
  stderr: string;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** A writable that keeps what is written, as text. */
function capture(): Writable & { text(): string; isTTY?: boolean } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      stream.emit('text');
      done();
    },
  });
  return Object.assign(stream, { text: () => text });
}

/** An in-process run under way: its stdin still open, its stderr readable as it comes. */
export interface FakeStart {
  stdin: PassThrough;
  /** Resolves with stderr once it matches `pattern`; rejects if the run ends first or after `timeoutMs`. */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<string>;
  done: Promise<FakeRun>;
}

type RunOptions = { env?: NodeJS.ProcessEnv; stdin?: string; deps?: Omit<CommandDeps, 'io'> };

export interface FakeCli {
  home: string;
  configDir: string;
  env: NodeJS.ProcessEnv;
  /** Runs `strava-auth ...args` in-process; `deps` replaces fetch, clock, browser, emulator. */
  run(args: string[], options?: RunOptions): Promise<FakeRun>;
  /** Starts `strava-auth ...args` in-process with stdin left open, for input that depends on the output (a pasted URL). */
  start(args: string[], options?: Omit<RunOptions, 'stdin'>): FakeStart;
}

/** A sandbox for in-process runs: its own XDG config dir and working directory. */
export async function fakeCli(t: TestContext, env: NodeJS.ProcessEnv = {}): Promise<FakeCli> {
  const home = await mkdtemp(join(tmpdir(), 'strava-auth-fake-'));
  // Runs share this process: a signal handler a run leaves behind would outlive it.
  const listeners = () => SIGNALS.map((signal) => `${signal}: ${process.listenerCount(signal)}`).join(', ');
  const before = listeners();
  t.after(async () => {
    await rm(home, { recursive: true, force: true });
    assert.equal(listeners(), before, 'the in-process runs left no signal handler behind');
  });
  const baseEnv: NodeJS.ProcessEnv = { XDG_CONFIG_HOME: join(home, 'config'), HOME: home, PATH: process.env.PATH, BROWSER: '/nonexistent/browser', ...env };
  const cli: FakeCli = {
    home,
    configDir: join(home, 'config', 'strava-auth'),
    env: baseEnv,
    async run(args, options = {}) {
      const { stdin: text, ...rest } = options;
      const run = cli.start(args, rest);
      run.stdin.end(text);
      return run.done;
    },
    start(args, options = {}) {
      const stdout = capture();
      const stderr = capture();
      const stdin = new PassThrough();
      const io: Io = { stdout, stderr, stdin, env: { ...baseEnv, ...options.env }, cwd: home };
      // The "browser": when the consent page answers at once (the emulator's consent set to
      // approve) it follows the redirect to the callback; a page that waits for a click counts
      // as no browser, so `--emulator` approves by itself and others print the URL to paste.
      const openBrowser = async (url: string) => {
        const consent = await fetch(url, { redirect: 'manual' });
        const location = consent.headers.get('location');
        await consent.body?.cancel();
        if (consent.status < 300 || consent.status > 399 || !location) return false;
        void fetch(new URL(location, url)).catch(() => {});
        return true;
      };
      const done = main(args, { openBrowser, ...options.deps, io }).then((code) => ({ code, stdout: stdout.text(), stderr: stderr.text() }));
      const waitForStderr = (pattern: RegExp, timeoutMs = 20_000) =>
        new Promise<string>((resolve, reject) => {
          const check = () => pattern.test(stderr.text()) && finish(() => resolve(stderr.text()));
          const timer = setTimeout(() => finish(() => reject(new Error(`stderr did not match ${pattern} within ${timeoutMs} ms:\n${stderr.text()}`))), timeoutMs);
          const finish = (settle: () => void) => {
            clearTimeout(timer);
            stderr.off('text', check);
            settle();
          };
          stderr.on('text', check);
          check();
          void done.then(
            () => finish(() => (pattern.test(stderr.text()) ? resolve(stderr.text()) : reject(new Error(`the run ended before stderr matched ${pattern}:\n${stderr.text()}`)))),
            (error: unknown) => finish(() => reject(error)),
          );
        });
      return { stdin, waitForStderr, done };
    },
  };
  return cli;
}

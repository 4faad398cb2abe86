/**
 * Runs the real CLI (`bin/strava-auth.js`, built into dist/ by `npm test`) as a child process with
 * a private config directory, and the browser-athlete fixture as $BROWSER. Every wait on it is
 * bounded, and a CLI still running when the test ends is killed.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { WatchedChild } from './watched-child.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ROOT, 'bin', 'strava-auth.js');
export const BROWSER_ATHLETE = `"${process.execPath}" "${join(ROOT, 'test', 'fixtures', 'browser-athlete.ts')}"`;

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliRun {
  child: ReturnType<typeof spawn>;
  /** Resolves when the CLI has exited; rejects (and kills it) if it runs past `exitWithinMs`. */
  readonly done: Promise<CliResult>;
  /**
   * Resolves with stderr once it contains `pattern`; rejects if the CLI exits first (with its exit
   * code and stderr) or after `timeoutMs` (default OUTPUT_WAIT_MS).
   */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  input?: string;
  /** How long `done` waits for the exit before it kills the CLI and fails (default EXIT_WAIT_MS). */
  exitWithinMs?: number;
  /** The script to run instead of bin/strava-auth.js (e.g. the CLI without the token fast path). */
  entry?: string;
}

/** A sandbox: its own XDG config dir and working directory, removed after the test. */
export interface CliSandbox {
  home: string;
  configDir: string;
  athleteLog: string;
  env: NodeJS.ProcessEnv;
  start(args: string[], options?: CliOptions): CliRun;
  run(args: string[], options?: CliOptions): Promise<CliResult>;
  athleteSteps(): Promise<Array<Record<string, unknown>>>;
}

export async function cliSandbox(t: TestContext, env: NodeJS.ProcessEnv = {}): Promise<CliSandbox> {
  const home = await mkdtemp(join(tmpdir(), 'strava-auth-cli-'));
  const children: WatchedChild[] = [];
  t.after(() => {
    for (const child of children) child.kill();
    return rm(home, { recursive: true, force: true });
  });
  const athleteLog = join(home, 'athlete.log');
  const base: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CONFIG_HOME: join(home, 'config'),
    BROWSER: BROWSER_ATHLETE,
    ATHLETE_LOG: athleteLog,
    ...env,
  };
  const sandbox: CliSandbox = {
    home,
    configDir: join(home, 'config', 'strava-auth'),
    athleteLog,
    env: base,
    start(args, options = {}) {
      const child = spawn(process.execPath, [options.entry ?? BIN, ...args], { cwd: home, env: { ...base, ...options.env }, stdio: 'pipe' });
      // Named by the command only: the other arguments may hold a secret.
      const watched = new WatchedChild(child, `strava-auth ${args[0] ?? ''}`.trim());
      children.push(watched);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
      // A command that exits before reading its input closes the pipe: not a failure of the test.
      child.stdin.on('error', () => {});
      if (options.input !== undefined) child.stdin.end(options.input);
      let done: Promise<CliResult> | undefined;
      return {
        child,
        get done() {
          done ??= watched.exit(options.exitWithinMs).then(({ code, signal }) => ({ code, signal, stdout, stderr }));
          return done;
        },
        waitForStderr: (pattern, timeoutMs) => watched.waitForMatch(child.stderr, () => stderr, pattern, 'stderr', timeoutMs),
      };
    },
    run(args, options = {}) {
      const run = sandbox.start(args, { input: '', ...options });
      return run.done;
    },
    async athleteSteps() {
      const text = await readFile(athleteLog, 'utf8').catch(() => '');
      return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
    },
  };
  return sandbox;
}

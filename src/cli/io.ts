import type { Readable, Writable } from 'node:stream';
import type { Redactor } from '../core/redactor.ts';

/**
 * What a command talks to. Tests pass their own; `main` passes the process's. stdout is for data a
 * script reads, stderr for people.
 */
export interface Io {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  stdin: Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The secrets this run knows, taken out of what it prints (see redacting-io.ts). */
  redactor?: Redactor;
}

/** The process's own streams and environment. */
export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
}

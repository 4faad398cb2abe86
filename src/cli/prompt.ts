import { createInterface } from 'node:readline';
import type { Io } from './io.ts';

/** Asks one question on stderr and reads the answer from stdin. `secret` hides what is typed. */
export function ask(io: Io, question: string, options: { secret?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: io.stdin, output: io.stderr, terminal: Boolean(io.stdin.isTTY) });
    if (options.secret && io.stdin.isTTY) {
      // Echo nothing after the question: readline writes through _writeToOutput.
      const internal = rl as unknown as { _writeToOutput: (s: string) => void };
      let asked = false;
      internal._writeToOutput = (s: string) => {
        if (!asked) {
          io.stderr.write(s);
          asked = true;
        } else if (s.includes('\n') || s.includes('\r')) io.stderr.write('\n');
      };
    }
    rl.question(question, (answer) => {
      resolve(answer.trim()); // before close(), whose 'close' event would reject first
      rl.close();
    });
    rl.once('close', () => reject(new Error('no answer: input closed')));
  });
}

/**
 * Calls `onLine` for each line typed (or piped) on stdin until `stop()`; used by `login
 * --no-browser` to accept a pasted URL or code while the loopback server also waits.
 */
export function readLines(io: Io, onLine: (line: string) => void): { stop(): void } {
  const rl = createInterface({ input: io.stdin, terminal: false });
  rl.on('line', (line) => {
    if (line.trim()) onLine(line.trim());
  });
  return { stop: () => rl.close() };
}

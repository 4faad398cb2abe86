/**
 * `strava-auth api ... | head`: once the reader has gone (EPIPE), further output is pointless.
 * Without a listener Node turns the EPIPE into an uncaught exception with a stack trace; with
 * this one the next write throws {@link OutputClosed}, which stops the command (and a
 * `--paginate` walk) quietly, as gh and jq do.
 */
import type { Io } from '../io.ts';

/** Standard output was closed by its reader. */
export class OutputClosed extends Error {
  constructor() {
    super('standard output was closed');
    this.name = 'OutputClosed';
  }
}

/** A write to `io.stdout` that notices a closed pipe. */
export function pipeAwareWrite(io: Io): (text: string) => void {
  let closed = false;
  io.stdout.on?.('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    closed = true;
  });
  return (text) => {
    if (closed) throw new OutputClosed();
    io.stdout.write(text);
  };
}

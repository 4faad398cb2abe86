import { Redactor } from '../core/redactor.ts';
import type { Io } from './io.ts';

type Stream = Io['stdout'];

/** `stream` with every string written through it redacted; everything else is the stream itself. */
function redactingStream<T extends Stream>(stream: T, redactor: Redactor): T {
  return new Proxy(stream, {
    get(target, property) {
      if (property === 'write') {
        return (chunk: unknown, ...rest: unknown[]) =>
          (target.write as (...args: unknown[]) => boolean)(typeof chunk === 'string' ? redactor.redact(chunk) : chunk, ...rest);
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * The last line of defence: an Io whose stderr (and stdout, unless the command prints secrets on
 * purpose, like `token`, or must pass data through byte for byte, like `api`) takes every secret
 * the run has learnt out of what is written. The run's one redactor travels on `io.redactor`:
 * the session adds the client secret, tokens and URL userinfo to it as it finds them.
 */
export function redactingIo(io: Io, options: { rawStdout?: boolean } = {}): Io {
  const redactor = io.redactor ?? new Redactor();
  return {
    ...io,
    redactor,
    stdout: options.rawStdout ? io.stdout : redactingStream(io.stdout, redactor),
    stderr: redactingStream(io.stderr, redactor),
  };
}

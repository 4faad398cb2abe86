/**
 * Where `-F key=@FILE`, `-F key=@-` and `--input` read from: files relative to the working
 * directory, and standard input, each capped so a mistaken `@/dev/zero` fails instead of filling
 * memory.
 */
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Io } from '../io.ts';
import { UsageError } from '../usage-error.ts';
import type { FieldSources } from './fields.ts';

/** Larger request bodies are refused: nothing Strava's API takes as JSON comes near it. */
export const MAX_INPUT_BYTES = 16 * 1024 * 1024;

function tooLarge(what: string): UsageError {
  return new UsageError(`${what} is larger than ${MAX_INPUT_BYTES / 1024 / 1024} MiB; give a smaller body (files to upload go through strava-auth upload).`);
}

/** The run's files and standard input. */
export function ioSources(io: Io): FieldSources {
  return {
    async readFile(path) {
      const handle = await open(resolve(io.cwd, path), 'r');
      try {
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of handle.createReadStream({ highWaterMark: 64 * 1024 }) as AsyncIterable<Buffer>) {
          size += chunk.length;
          if (size > MAX_INPUT_BYTES) throw tooLarge(path);
          chunks.push(chunk);
        }
        return Buffer.concat(chunks).toString('utf8');
      } finally {
        await handle.close();
      }
    },
    async readStdin() {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of io.stdin as AsyncIterable<Buffer | string>) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        size += bytes.length;
        if (size > MAX_INPUT_BYTES) throw tooLarge('standard input');
        chunks.push(bytes);
      }
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}

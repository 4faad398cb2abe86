/**
 * `--jq EXPR` of `api`: real jq (jq-wasm, jq's own C code compiled to WebAssembly), loaded only
 * when a filter is given so other commands never pay for it. Output as gh prints it: strings
 * raw, everything else JSON (compact off a terminal, indented on one).
 *
 * jq-wasm 1.0.1 feeds standard input and collects standard output one byte at a time, copying
 * the whole buffer for each byte: quadratic, 11 s for one 180 KB page of activities. The loader
 * below runs the same file with those two buffers made linear (a view that advances, a buffer
 * that doubles); if the text it patches ever changes, the package is used as published.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { runInThisContext } from 'node:vm';
import { UsageError } from '../usage-error.ts';

interface JqInstance {
  raw(json: string, filter: string, flags: string[]): string | Promise<string>;
}

const STDIN_SHIFT = 'stdinBuffer = stdinBuffer.slice(1);';
const STDOUT_APPEND = /const tmp = new Uint8Array\((std(?:out|err)Buffer)\.length \+ 1\);\s*tmp\.set\(\1, 0\);\s*tmp\[tmp\.length - 1\] = charCode;\s*\1 = tmp;/g;

/** Appends a byte to a view over a buffer that doubles when full: linear, unlike a copy per byte. */
const APPEND = `function __appendByte(view, byte) {
  if (view.byteOffset + view.length < view.buffer.byteLength) {
    const grown = new Uint8Array(view.buffer, view.byteOffset, view.length + 1);
    grown[view.length] = byte;
    return grown;
  }
  const bigger = new Uint8Array(Math.max(4096, view.length * 2));
  bigger.set(view);
  bigger[view.length] = byte;
  return new Uint8Array(bigger.buffer, 0, view.length + 1);
}
`;

let loaded: Promise<JqInstance> | undefined;

async function loadJq(): Promise<JqInstance> {
  const require = createRequire(import.meta.url);
  const path = require.resolve('jq-wasm/dist/build/jq.js');
  const source = await readFile(path, 'utf8');
  const matches = source.match(STDOUT_APPEND)?.length ?? 0;
  let factory: (options?: object) => Promise<JqInstance>;
  if (source.split(STDIN_SHIFT).length === 2 && matches === 2) {
    const patched = APPEND + source.replace(STDIN_SHIFT, 'stdinBuffer = stdinBuffer.subarray(1);').replace(STDOUT_APPEND, '$1 = __appendByte($1, charCode);');
    const wrapper = runInThisContext(`(function (exports, require, module, __filename, __dirname) {${patched}\n})`, { filename: path }) as (...args: unknown[]) => void;
    const module = { exports: {} as { default?: typeof factory } };
    wrapper(module.exports, createRequire(path), module, path, dirname(path));
    factory = (module.exports.default ?? module.exports) as typeof factory;
  } else {
    factory = require(path) as typeof factory;
  }
  return factory();
}

/**
 * Runs `filter` over `json` (JSON text: passing the text keeps 64-bit ids exact) and returns
 * jq's output with a final newline, or '' when the filter yields nothing. A filter that does not
 * compile, or fails on the data, is a usage error quoting jq's own message.
 */
export async function runJq(json: string, filter: string, options: { pretty: boolean }): Promise<string> {
  loaded ??= loadJq();
  const jq = await loaded;
  let out: string;
  try {
    out = await jq.raw(json, filter, options.pretty ? ['-M', '-r'] : ['-M', '-r', '-c']);
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).trim().replace(/\s*\n\s*/g, '; ');
    throw new UsageError(`--jq ${JSON.stringify(filter)}: ${message}`);
  }
  return out === '' ? '' : `${out.replace(/\n$/, '')}\n`;
}

/**
 * Refuses, before anything is sent, a filter jq cannot compile (a request that changes
 * something must not be made only to fail at printing its answer). Errors that depend on the
 * data are left to {@link runJq}.
 */
export async function checkJqFilter(filter: string): Promise<void> {
  try {
    await runJq('null', filter, { pretty: false });
  } catch (error) {
    if (error instanceof UsageError && /compile error/.test(error.message)) throw error;
  }
}

/**
 * `--jq EXPR` of `api`: real jq (jq-wasm, jq's own C code compiled to WebAssembly), loaded only
 * when a filter is given so other commands never pay for it. Output as gh prints it: strings
 * raw, everything else JSON (compact off a terminal, indented on one).
 */
import { UsageError } from '../usage-error.ts';

type JqModule = typeof import('jq-wasm');
let loaded: Promise<JqModule> | undefined;

/** jq-wasm is CommonJS: its functions sit on the default export under ESM. */
function jqModule(): Promise<JqModule> {
  loaded ??= import('jq-wasm').then((m) => ((m as { default?: JqModule }).default ?? m) as JqModule);
  return loaded;
}

/**
 * Runs `filter` over `json` (JSON text: passing the text keeps 64-bit ids exact) and returns
 * jq's output with a final newline, or '' when the filter yields nothing. A filter that does not
 * compile, or fails on the data, is a usage error quoting jq's own message.
 */
export async function runJq(json: string, filter: string, options: { pretty: boolean }): Promise<string> {
  const jq = await jqModule();
  let out: string;
  try {
    out = await jq.raw(json, filter, options.pretty ? ['-r'] : ['-r', '-c']);
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).trim().replace(/\s*\n\s*/g, '; ');
    throw new UsageError(`--jq ${JSON.stringify(filter)}: ${message}`);
  }
  return out === '' ? '' : `${out.replace(/\n$/, '')}\n`;
}

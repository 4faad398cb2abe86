/**
 * `--input FILE` of `api`: the request body from a file, or `-` for standard input. The body is
 * JSON (Strava's API reads JSON or forms; the client sends JSON), checked before anything is sent.
 */
import { UsageError } from '../usage-error.ts';
import type { FieldSources } from './fields.ts';

/** The parsed JSON body that `--input` names. */
export async function readInputBody(path: string, sources: FieldSources): Promise<unknown> {
  let text: string;
  try {
    text = path === '-' ? await sources.readStdin() : await sources.readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`--input: cannot read ${path}${code ? ` (${code})` : ''}. Give a readable JSON file, or - for standard input.`);
  }
  if (text.trim() === '') throw new UsageError(`--input: ${path === '-' ? 'standard input' : path} is empty; give a JSON body, e.g. {"name":"Evening Ride"}.`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--input: ${path === '-' ? 'standard input' : path} is not JSON (${(error as Error).message}); the body is sent as application/json.`);
  }
}

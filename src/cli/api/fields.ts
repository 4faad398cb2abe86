/**
 * `-f key=value` and `-F key=value` of `api`, as gh reads them: `-f` is always a string; `-F` is
 * typed (integers and decimals become numbers, `true`/`false`/`null` literals, `@FILE` the
 * file's text, `@-` standard input). `key[]=value` appends to an array, so one field can carry a
 * list.
 */
import { UsageError } from '../usage-error.ts';

/** A field's value after typing. */
export type FieldValue = string | number | boolean | null | FieldValue[];

/** Where `@FILE` and `@-` read from (injected, so tests need no real stdin). */
export interface FieldSources {
  readFile(path: string): Promise<string>;
  readStdin(): Promise<string>;
}

const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/** The typed value of one `-F` field; `raw` is what follows the `=`. */
export async function typedValue(raw: string, sources: FieldSources): Promise<FieldValue> {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (raw === 'null') return null;
  if (NUMBER.test(raw)) {
    const n = Number(raw);
    // An id past 2^53 would silently change as a number; it stays the digits it was.
    if (Number.isFinite(n) && (!Number.isInteger(n) || Number.isSafeInteger(n))) return n;
    return raw;
  }
  if (raw === '@-') return sources.readStdin();
  if (raw.startsWith('@')) {
    const path = raw.slice(1);
    try {
      return await sources.readFile(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new UsageError(`-F @${path}: cannot read ${path}${code ? ` (${code})` : ''}. Give a readable file after @, or @- for standard input.`);
    }
  }
  return raw;
}

/**
 * All fields, `-f` ones first and `-F` ones after them (a later key replaces an earlier one,
 * `key[]` appends). `@-` may be read only once: standard input has one body.
 */
export async function parseFields(strings: readonly string[], typed: readonly string[], sources: FieldSources): Promise<Record<string, FieldValue>> {
  const out: Record<string, FieldValue> = {};
  let stdinUsed = false;
  const once: FieldSources = {
    readFile: (path) => sources.readFile(path),
    readStdin: () => {
      if (stdinUsed) throw new UsageError('Only one field can read standard input (@-).');
      stdinUsed = true;
      return sources.readStdin();
    },
  };
  const add = (flag: string, field: string, value: FieldValue) => {
    const key = keyOf(flag, field);
    if (key.endsWith('[]')) {
      const name = key.slice(0, -2);
      const list = out[name];
      out[name] = Array.isArray(list) ? [...list, value] : [value];
    } else {
      out[key] = value;
    }
  };
  for (const field of strings) add('-f', field, field.slice(field.indexOf('=') + 1));
  for (const field of typed) add('-F', field, await typedValue(field.slice(field.indexOf('=') + 1), once));
  return out;
}

function keyOf(flag: string, field: string): string {
  const eq = field.indexOf('=');
  const key = eq > 0 ? field.slice(0, eq) : '';
  if (key === '' || key === '[]') throw new UsageError(`${flag} takes key=value, e.g. ${flag} per_page=50; got ${JSON.stringify(field)}.`);
  return key;
}

/** Fields as query parameters: lists comma joined (Strava's way), null left out. */
export function fieldsAsQuery(fields: Record<string, FieldValue>): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === null) continue;
    query[key] = Array.isArray(value) ? value.map(String).join(',') : String(value);
  }
  return query;
}

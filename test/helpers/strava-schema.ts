/**
 * A small validator for Strava's Swagger 2018 model files (`/work/shared/strava-models/*.json`),
 * enough to prove the emulator's answers match them: `type`, `properties`, `items`, `allOf`,
 * `enum`, `minItems`/`maxItems`, `required`, `additionalProperties` (as a schema), `format:
 * date-time`, and `$ref`s to `https://developers.strava.com/swagger/<file>.json#/<Model>` or
 * `#/<Model>` resolved to the local files. Unknown fields are allowed (Strava added many since
 * 2018). `null` is accepted for any property: Swagger 2.0 cannot say "nullable", and Strava (in its
 * own examples too) sends null for absent values such as `upload.activity_id` or `gear_id`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the model files are (the repo's sibling `shared` folder). */
export const MODELS_DIR = new URL('../../../shared/strava-models/', import.meta.url).pathname;

interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  allOf?: Schema[];
  enum?: unknown[];
  required?: string[];
  minItems?: number;
  maxItems?: number;
}

const files = new Map<string, Record<string, Schema>>();

function modelFile(name: string): Record<string, Schema> {
  let file = files.get(name);
  if (!file) {
    file = JSON.parse(readFileSync(join(MODELS_DIR, name), 'utf8')) as Record<string, Schema>;
    files.set(name, file);
  }
  return file;
}

/** Resolves `https://developers.strava.com/swagger/activity.json#/SummaryActivity` (or `#/X` within `from`). */
function resolve(ref: string, from: string): { schema: Schema; file: string } {
  const match = /^(?:https:\/\/developers\.strava\.com\/swagger\/([\w-]+\.json))?#\/(\w+)$/.exec(ref);
  if (!match) throw new Error(`Unsupported $ref ${ref}`);
  const file = match[1] ?? from;
  const schema = modelFile(file)[match[2]!];
  if (!schema) throw new Error(`No model ${match[2]} in ${file}`);
  return { schema, file };
}

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function check(value: unknown, schema: Schema, file: string, path: string, problems: string[]): void {
  if (schema.$ref) {
    const target = resolve(schema.$ref, file);
    check(value, target.schema, target.file, path, problems);
    return;
  }
  for (const part of schema.allOf ?? []) check(value, part, file, path, problems);
  const actual = typeOf(value);
  if (schema.type) {
    const ok = schema.type === actual || (schema.type === 'number' && actual === 'integer') || (schema.type === 'object' && actual === 'object');
    if (!ok) {
      problems.push(`${path}: expected ${schema.type}, got ${actual}`);
      return;
    }
  }
  if (schema.enum && !schema.enum.includes(value)) problems.push(`${path}: ${JSON.stringify(value)} is not one of ${schema.enum.join(', ')}`);
  if (schema.format === 'date-time' && typeof value === 'string' && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    problems.push(`${path}: ${value} is not an ISO 8601 date-time`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) problems.push(`${path}: fewer than ${schema.minItems} items`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems) problems.push(`${path}: more than ${schema.maxItems} items`);
    if (schema.items) value.forEach((item, i) => check(item, schema.items!, file, `${path}[${i}]`, problems));
    return;
  }
  if (actual !== 'object') return;
  const object = value as Record<string, unknown>;
  for (const name of schema.required ?? []) if (!(name in object)) problems.push(`${path}: missing required ${name}`);
  for (const [name, child] of Object.entries(object)) {
    if (child === null) continue;
    const property = schema.properties?.[name];
    if (property) check(child, property, file, `${path}.${name}`, problems);
    else if (typeof schema.additionalProperties === 'object') check(child, schema.additionalProperties, file, `${path}.${name}`, problems);
  }
}

/**
 * The ways `value` breaks the model (`file` like `activity.json`, `model` like
 * `SummaryActivity`); an empty list when it conforms.
 *
 * @example
 * assert.deepEqual(validateModel(body, 'upload.json', 'Upload'), []);
 */
export function validateModel(value: unknown, file: string, model: string): string[] {
  const problems: string[] = [];
  const { schema, file: owner } = resolve(`https://developers.strava.com/swagger/${file}#/${model}`, file);
  check(value, schema, owner, model, problems);
  return problems;
}

/** Every model of every file, so a test can prove each `$ref` resolves. */
export function allModels(): Array<{ file: string; model: string }> {
  return readdirSync(MODELS_DIR)
    .filter((name) => name.endsWith('.json'))
    .flatMap((file) => Object.keys(modelFile(file)).map((model) => ({ file, model })));
}

/** Every `$ref` reachable from a model, resolved (throws on one that does not resolve). */
export function resolveAllRefs(file: string, model: string): number {
  let count = 0;
  const seen = new Set<string>();
  const walk = (schema: Schema, owner: string): void => {
    if (schema.$ref) {
      const key = `${owner} ${schema.$ref}`;
      if (seen.has(key)) return;
      seen.add(key);
      count++;
      const target = resolve(schema.$ref, owner);
      walk(target.schema, target.file);
      return;
    }
    for (const part of schema.allOf ?? []) walk(part, owner);
    for (const child of Object.values(schema.properties ?? {})) walk(child, owner);
    if (schema.items) walk(schema.items, owner);
    if (typeof schema.additionalProperties === 'object') walk(schema.additionalProperties, owner);
  };
  walk(resolve(`#/${model}`, file).schema, file);
  return count;
}

import { isScope } from '../core/scopes.ts';
import { InvalidTokenKeyError } from './errors/invalid-token-key-error.ts';
import type { StoredTokens } from './token-store.ts';

/**
 * Lowercase only, so two keys can never share a file on a case-insensitive file system (macOS,
 * Windows); no `/`, `\` or leading dot, so a key can never leave a file store's directory or hide.
 */
const KEY_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** Throws {@link InvalidTokenKeyError} unless `key` can name a record in every store. */
export function assertTokenKey(key: string): void {
  if (typeof key !== 'string' || !KEY_PATTERN.test(key)) throw new InvalidTokenKeyError(String(key));
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? 'a string' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Says what is wrong with a record read back from storage (a hand-edited file, a database row),
 * or returns undefined when it is a valid {@link StoredTokens}. The answer names the field and
 * never quotes a value, since values may be tokens.
 *
 * @example
 * describeStoredTokensProblem({ tokens: {}, updatedAt: 0 }); // 'tokens.accessToken is missing'
 */
export function describeStoredTokensProblem(value: unknown): string | undefined {
  if (!isObject(value)) return `the record is ${typeName(value)}, not an object`;
  const { tokens, invalid, updatedAt } = value;
  if (!isObject(tokens)) return tokens === undefined ? 'tokens is missing' : `tokens is ${typeName(tokens)}, not an object`;
  for (const field of ['accessToken', 'refreshToken'] as const) {
    const token = tokens[field];
    if (token === undefined) return `tokens.${field} is missing`;
    if (typeof token !== 'string' || token === '') return `tokens.${field} must be a non-empty string, found ${typeName(token)}`;
  }
  if (tokens.expiresAt === undefined) return 'tokens.expiresAt is missing';
  if (typeof tokens.expiresAt !== 'number' || !Number.isFinite(tokens.expiresAt)) {
    return `tokens.expiresAt must be a number (Unix seconds), found ${typeName(tokens.expiresAt)}`;
  }
  if (!Array.isArray(tokens.scopes)) return tokens.scopes === undefined ? 'tokens.scopes is missing' : `tokens.scopes must be an array, found ${typeName(tokens.scopes)}`;
  const badScope = tokens.scopes.findIndex((scope) => typeof scope !== 'string' || !isScope(scope));
  if (badScope >= 0) return `tokens.scopes[${badScope}] is not a Strava scope`;
  if (tokens.athlete !== undefined && (!isObject(tokens.athlete) || typeof tokens.athlete.id !== 'number')) {
    return 'tokens.athlete must be an object with a numeric id';
  }
  if (tokens.tokenType !== undefined && tokens.tokenType !== 'Bearer') return 'tokens.tokenType must be "Bearer"';
  if (invalid !== undefined) {
    if (!isObject(invalid)) return `invalid must be an object, found ${typeName(invalid)}`;
    if (typeof invalid.reason !== 'string' || typeof invalid.code !== 'string' || typeof invalid.at !== 'number') {
      return 'invalid must hold reason (string), code (string) and at (number)';
    }
  }
  if (typeof updatedAt !== 'number' || !Number.isFinite(updatedAt)) {
    return updatedAt === undefined ? 'updatedAt is missing' : `updatedAt must be a number (ms since the epoch), found ${typeName(updatedAt)}`;
  }
  return undefined;
}

/**
 * Throws a `TypeError` naming the problem when `value` is not a valid record. Stores call it
 * before writing, so a bad record fails where it is made rather than on the next read.
 */
export function assertStoredTokens(value: StoredTokens, key: string): void {
  const problem = describeStoredTokensProblem(value);
  if (problem) throw new TypeError(`Cannot store tokens for "${key}": ${problem}.`);
}

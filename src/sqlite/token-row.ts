/**
 * A record as a row of the tokens table, and back. The secrets go into one column, as
 * `sealSecrets` writes them (plaintext JSON, or sealed text when the store has a cipher); the
 * rest is plain columns, so a person (or a query) can see whose tokens expire when without
 * opening anything.
 */
import { CorruptRecordError } from '../tokens/errors/corrupt-record-error.ts';
import { openSecrets, sealSecrets } from '../tokens/sealed-secrets.ts';
import { describeStoredTokensProblem } from '../tokens/stored-tokens.ts';
import { isSealed, type TokenCipher } from '../tokens/token-cipher.ts';
import type { StoredTokens } from '../tokens/token-store.ts';

/** The columns a write sets, in the order of {@link ROW_COLUMNS}. */
export type TokenRowValues = [
  secrets: string,
  keyId: string | null,
  expiresAt: number,
  scopes: string,
  athlete: string | null,
  tokenType: string | null,
  invalid: string | null,
  updatedAt: number,
];

/** The columns of {@link TokenRowValues}, for SQL. */
export const ROW_COLUMNS = ['secrets', 'key_id', 'expires_at', 'scopes', 'athlete', 'token_type', 'invalid', 'updated_at'] as const;

/** The values a write stores for `value` under `key`. The record must be valid (checked before). */
export async function toRowValues(value: StoredTokens, key: string, cipher?: TokenCipher): Promise<TokenRowValues> {
  const { tokens } = value;
  const secrets = await sealSecrets(tokens, key, cipher);
  return [
    secrets.text,
    secrets.keyId,
    tokens.expiresAt,
    // Strava's own spelling of a scope list; a scope never contains a comma.
    tokens.scopes.join(','),
    tokens.athlete ? JSON.stringify(tokens.athlete) : null,
    tokens.tokenType ?? null,
    value.invalid ? JSON.stringify(value.invalid) : null,
    value.updatedAt,
  ];
}

function typeName(value: unknown): string {
  return value === null ? 'null' : typeof value;
}

/**
 * Reads a row back into a record. Throws {@link CorruptRecordError} naming the column or field
 * that is wrong (never a value); a cipher's own errors (wrong or unknown key) pass through.
 */
export async function fromRow(row: Record<string, unknown>, key: string, store: string, cipher?: TokenCipher): Promise<StoredTokens> {
  const corrupt = (problem: string) => new CorruptRecordError({ key, store, problem });
  const json = (column: string): unknown => {
    const text = row[column];
    if (text === null) return undefined;
    if (typeof text !== 'string') throw corrupt(`the ${column} column holds ${typeName(text)}, not JSON text`);
    try {
      return JSON.parse(text);
    } catch {
      throw corrupt(`the ${column} column is not valid JSON`);
    }
  };
  if (typeof row.secrets !== 'string') throw corrupt(`the secrets column holds ${typeName(row.secrets)}, not text`);
  const secrets = isSealed(row.secrets) ? await openSecrets(row.secrets, key, cipher, store) : json('secrets');
  if (typeof secrets !== 'object' || secrets === null || Array.isArray(secrets)) throw corrupt('the secrets column does not hold a JSON object');
  if (typeof row.scopes !== 'string') throw corrupt(`the scopes column holds ${typeName(row.scopes)}, not text`);
  const { accessToken, refreshToken } = secrets as Record<string, unknown>;
  const athlete = json('athlete');
  const invalid = json('invalid');
  const record = {
    tokens: {
      accessToken,
      refreshToken,
      expiresAt: row.expires_at,
      scopes: row.scopes === '' ? [] : row.scopes.split(','),
      ...(athlete === undefined ? {} : { athlete }),
      ...(row.token_type === null ? {} : { tokenType: row.token_type }),
    },
    ...(invalid === undefined ? {} : { invalid }),
    updatedAt: row.updated_at,
  };
  const problem = describeStoredTokensProblem(record);
  if (problem) throw corrupt(problem);
  return record as StoredTokens;
}

import { CorruptRecordError } from '../tokens/errors/corrupt-record-error.ts';
import { openSecrets, sealSecrets } from '../tokens/sealed-secrets.ts';
import { describeStoredTokensProblem } from '../tokens/stored-tokens.ts';
import type { TokenCipher } from '../tokens/token-cipher.ts';
import type { StoredTokens } from '../tokens/token-store.ts';
import type { PostgresTables } from './postgres-schema.ts';

/** The columns a read selects; times come back as exact decimal text (seconds, and ms). */
export const SELECT_COLUMNS = `secrets, key_id, extract(epoch FROM expires_at)::text AS expires_at, scopes, athlete, token_type, invalid,
    (extract(epoch FROM updated_at) * 1000)::text AS updated_at`;

/**
 * The upsert of one record. Times go in as timestamps (microsecond precision), so a record's
 * `updatedAt` and `expiresAt` come back exactly as written; `created_at` keeps the first write.
 */
export function upsertStatement(tables: PostgresTables): string {
  return `INSERT INTO ${tables.tokens} (key, secrets, key_id, expires_at, scopes, athlete, token_type, invalid, updated_at)
    VALUES ($1, $2, $3, to_timestamp($4::numeric), $5::text[], $6::jsonb, $7, $8::jsonb, to_timestamp($9::numeric / 1000))
    ON CONFLICT (key) DO UPDATE SET secrets = EXCLUDED.secrets, key_id = EXCLUDED.key_id, expires_at = EXCLUDED.expires_at,
      scopes = EXCLUDED.scopes, athlete = EXCLUDED.athlete, token_type = EXCLUDED.token_type, invalid = EXCLUDED.invalid,
      updated_at = EXCLUDED.updated_at`;
}

/** The parameters of {@link upsertStatement} for `value` (already validated). */
export async function upsertValues(key: string, value: StoredTokens, cipher: TokenCipher | undefined): Promise<unknown[]> {
  const { tokens } = value;
  const secrets = await sealSecrets(tokens, key, cipher);
  return [
    key,
    secrets.text,
    secrets.keyId,
    String(tokens.expiresAt),
    tokens.scopes,
    tokens.athlete === undefined ? null : JSON.stringify(tokens.athlete),
    tokens.tokenType ?? null,
    value.invalid === undefined ? null : JSON.stringify(value.invalid),
    String(value.updatedAt),
  ];
}

function numberOf(text: unknown): unknown {
  return typeof text === 'string' ? Number(text) : text ?? undefined;
}

async function readSecrets(text: unknown, key: string, store: string, cipher: TokenCipher | undefined) {
  if (typeof text !== 'string') throw new CorruptRecordError({ key, store, problem: 'the secrets column is empty' });
  // Typed errors all: a missing or wrong key (naming the variable), or a CorruptRecordError that never quotes the text.
  return openSecrets(text, key, cipher, store);
}

/** A row read back into a record; CorruptRecordError (naming the field, never a value) if it is not one. */
export async function rowToRecord(row: Record<string, unknown>, key: string, store: string, cipher: TokenCipher | undefined): Promise<StoredTokens> {
  const secrets = await readSecrets(row.secrets, key, store, cipher);
  const tokens = {
    ...secrets,
    expiresAt: numberOf(row.expires_at),
    scopes: row.scopes,
    ...(row.athlete === null || row.athlete === undefined ? {} : { athlete: row.athlete }),
    ...(row.token_type === null || row.token_type === undefined ? {} : { tokenType: row.token_type }),
  };
  const record = { tokens, updatedAt: numberOf(row.updated_at), ...(row.invalid === null || row.invalid === undefined ? {} : { invalid: row.invalid }) };
  const problem = describeStoredTokensProblem(record);
  if (problem) throw new CorruptRecordError({ key, store, problem });
  return record as StoredTokens;
}

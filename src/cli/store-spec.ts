import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileStore } from '../node/file-store.ts';
import type { TokenCipher } from '../tokens/token-cipher.ts';
import type { TokenStore } from '../tokens/token-store.ts';
import { UsageError } from './usage-error.ts';

/**
 * Where a command finds a token store, from a URL-ish spec:
 * - a directory path, `file:DIR` or `file:///DIR`: a FileStore (one JSON file per key);
 * - `sqlite:FILE`: a SqliteStore;
 * - `postgres://...` or `postgresql://...`: a PostgresStore (a libpq connection string).
 */
export type StoreSpec = { kind: 'file'; dir: string } | { kind: 'sqlite'; path: string } | { kind: 'postgres'; connectionString: string };

/** What `--help` says about store specs. */
export const STORE_SPEC_HELP = `STORE is one of:
  DIR or file:DIR         a directory of token files (the CLI's own: ~/.config/strava-auth/tokens)
  sqlite:FILE             a SQLite database file
  postgres://USER@HOST/DB a PostgreSQL database (a connection string; ?schema=NAME picks the schema)`;

const SCHEME = /^([a-z][a-z0-9+.-]*):/i;

/** Reads a store spec; relative paths are resolved against `cwd`. Throws UsageError naming the problem. */
export function parseStoreSpec(text: string, cwd: string): StoreSpec {
  const spec = text.trim();
  const path = (value: string, what: string) => {
    if (value === '') throw new UsageError(`"${spec}" names no ${what}.`);
    return isAbsolute(value) ? value : resolve(cwd, value);
  };
  if (spec === '') throw new UsageError('A store is empty; give a directory, file:DIR, sqlite:FILE or postgres://...');
  const scheme = SCHEME.exec(spec)?.[1]?.toLowerCase();
  if (scheme === undefined) return { kind: 'file', dir: path(spec, 'directory') };
  if (scheme === 'file') return { kind: 'file', dir: spec.startsWith('file://') ? fileURLToPath(spec) : path(spec.slice('file:'.length), 'directory') };
  if (scheme === 'sqlite') return { kind: 'sqlite', path: path(spec.slice('sqlite:'.length), 'database file') };
  if (scheme === 'postgres' || scheme === 'postgresql') return { kind: 'postgres', connectionString: spec };
  throw new UsageError(`"${scheme}:" is not a kind of store strava-auth knows; use a directory, file:DIR, sqlite:FILE or postgres://... (a directory whose name has a colon: ./${spec}).`);
}

/** The store for people and JSON output: never a password. */
export function describeStoreSpec(spec: StoreSpec): string {
  if (spec.kind === 'file') return `file:${spec.dir}`;
  if (spec.kind === 'sqlite') return `sqlite:${spec.path}`;
  try {
    const url = new URL(spec.connectionString);
    url.password = '';
    url.search = ''; // parameters may carry a password or key material too
    return url.toString();
  } catch {
    return 'postgres://(unreadable connection string)';
  }
}

/** Whether two specs name the same store (copying a store onto itself would wait for its own lock). */
export function sameStore(a: StoreSpec, b: StoreSpec): boolean {
  return describeStoreSpec(a) === describeStoreSpec(b);
}

/** What opening a store needs besides the spec. */
export interface StoreOpenOptions {
  /** Encrypts at rest (the CLI passes `cipherFromEnv(process.env)`). */
  cipher: TokenCipher | undefined;
  /** Receives warnings for people (permissions of token files). */
  warn: (message: string) => void;
}

/** An open store, and how to let go of it (connections, file handles) when the command ends. */
export interface OpenedStore {
  store: TokenStore;
  close(): Promise<void>;
}

type Openers = { [K in StoreSpec['kind']]: (spec: Extract<StoreSpec, { kind: K }>, options: StoreOpenOptions) => Promise<OpenedStore> };

/** One opener per kind of store. */
const OPENERS: Openers = {
  file: async (spec, { cipher, warn }) => ({ store: new FileStore({ dir: spec.dir, cipher, warn }), close: async () => {} }),
  sqlite: async (spec, { cipher, warn }) => {
    const { SqliteStore } = await import('../sqlite/index.ts');
    const store = new SqliteStore({ path: spec.path, cipher, warn });
    await store.open();
    return { store, close: async () => store.close() };
  },
  postgres: async (spec, { cipher }) => {
    const { PostgresStore } = await import('../postgres/index.ts');
    const { connectionString, schema } = splitPostgresSchema(spec);
    const store = new PostgresStore({ connectionString }, { cipher, schema });
    return { store, close: async () => store.close() };
  },
};

/** `?schema=NAME` of a postgres spec (undefined: the stores' default, public), and the connection string without it: the driver never sees it. */
export function splitPostgresSchema(spec: { connectionString: string }): { connectionString: string; schema: string | undefined } {
  const url = new URL(spec.connectionString);
  const schema = url.searchParams.get('schema') ?? undefined;
  url.searchParams.delete('schema');
  return { connectionString: url.href, schema };
}

/** Opens the store a spec names (the SQL stores load on demand, so a CLI that never uses them never loads them). */
export function openStore(spec: StoreSpec, options: StoreOpenOptions): Promise<OpenedStore> {
  const open = OPENERS[spec.kind] as (spec: StoreSpec, options: StoreOpenOptions) => Promise<OpenedStore>;
  return open(spec, options);
}

/** What must never be printed from a spec (a PostgreSQL password), for redaction. */
export function specSecrets(spec: StoreSpec): string[] {
  if (spec.kind !== 'postgres') return [];
  try {
    const { password } = new URL(spec.connectionString);
    return password ? [password, decodeURIComponent(password)] : [];
  } catch {
    return [spec.connectionString];
  }
}

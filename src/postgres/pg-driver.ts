import { PostgresDriverMissingError } from './errors/postgres-driver-missing-error.ts';

/** What a query answers, as far as the store reads it. */
export interface PgResult {
  rows: Array<Record<string, unknown>>;
  rowCount: number | null;
  /** The command tag: `COMMIT` answers `ROLLBACK` when the transaction had failed. */
  command: string;
}

/** Anything that runs one parameterised statement: a pool or a client. */
export interface PgQueryable {
  query(text: string, values?: unknown[]): Promise<PgResult>;
}

/** A NOTIFY received on a connection that LISTENs. */
export interface PgNotification {
  channel: string;
  payload?: string;
}

/** A connection checked out of a pool (a `pg.PoolClient`). */
export interface PgPoolClient extends PgQueryable {
  /** Returns it to the pool; `true` or an error closes it instead (it is broken). */
  release(destroy?: boolean | Error): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  on(event: 'notification', listener: (message: PgNotification) => void): unknown;
  off(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * The pool a store runs on: a `pg.Pool` fits. Declared here rather than imported from `pg`, so
 * the published types do not require `@types/pg`.
 */
export interface PgPool extends PgQueryable {
  connect(): Promise<PgPoolClient>;
  end(): Promise<void>;
}

/** The part of the `pg` module the store uses. */
export interface PgModule {
  Pool: new (config: Record<string, unknown>) => PgPool & { on(event: 'error', listener: (error: Error) => void): unknown };
}

function isMissing(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && typeof message === 'string' && /['"]pg['"]/.test(message);
}

/**
 * Loads the `pg` driver on first use, so an application that never opens a PostgreSQL store never
 * needs it installed (it is an optional peer dependency). A store given a pool never loads it.
 */
export async function loadPg(importer: () => Promise<unknown> = () => import('pg')): Promise<PgModule> {
  let loaded: unknown;
  try {
    loaded = await importer();
  } catch (error) {
    if (isMissing(error)) throw new PostgresDriverMissingError(error);
    throw error;
  }
  // pg is CommonJS: its API is the default export (named ones exist only through the ESM wrapper).
  const module = loaded as { default?: PgModule } & Partial<PgModule>;
  return module.Pool ? (module as PgModule) : module.default!;
}

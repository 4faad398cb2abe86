import type * as NodeSqlite from 'node:sqlite';
import { StoreUnavailableError } from '../tokens/errors/store-unavailable-error.ts';

/** The first Node release with `node:sqlite` available without a flag. */
export const MIN_NODE_FOR_SQLITE = '22.13.0';

type GetBuiltinModule = (id: string) => unknown;

/**
 * Loads `node:sqlite` on first use, not at import time, so importing `strava-auth/sqlite` on an
 * older Node fails only when a store is used, with an error that names the Node version needed.
 * Node 22 and 23 announce the module with an ExperimentalWarning on stderr; that one warning is
 * kept out of the program's output (Node 24 no longer prints it).
 */
export function loadSqlite(
  store: string,
  getBuiltinModule: GetBuiltinModule | undefined = process.getBuiltinModule?.bind(process) as GetBuiltinModule | undefined,
): typeof NodeSqlite {
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : warning.message;
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    if (type === 'ExperimentalWarning' && /sqlite/i.test(text)) return;
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  let sqlite: unknown;
  try {
    sqlite = getBuiltinModule?.('node:sqlite');
  } catch {
    sqlite = undefined; // Node 22 before 22.13 knows the module only behind --experimental-sqlite
  } finally {
    process.emitWarning = emitWarning;
  }
  if (typeof (sqlite as typeof NodeSqlite | undefined)?.DatabaseSync !== 'function') {
    throw new StoreUnavailableError({
      store,
      problem: `this Node (${process.version}) has no built-in SQLite (node:sqlite)`,
      remedy: `Run on Node ${MIN_NODE_FOR_SQLITE} or newer (Node 24 recommended), or use FileStore from strava-auth/node.`,
    });
  }
  return sqlite as typeof NodeSqlite;
}

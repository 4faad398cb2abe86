import type { DatabaseSync } from 'node:sqlite';

/**
 * Runs `fn` in a `BEGIN IMMEDIATE` transaction: the write lock is taken at the start (waiting up
 * to the busy timeout), so what `fn` reads cannot change before it writes. Rolled back if `fn`
 * throws. Keep `fn` short and synchronous: every other writer of the file waits for it.
 */
export function immediateTransaction<T>(db: DatabaseSync, fn: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  let result: T;
  try {
    result = fn();
  } catch (error) {
    try {
      db.exec('ROLLBACK');
    } catch {
      // SQLite already rolled back (e.g. after an I/O error); the first error is the one to see.
    }
    throw error;
  }
  db.exec('COMMIT');
  return result;
}

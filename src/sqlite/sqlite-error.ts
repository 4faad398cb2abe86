/**
 * SQLite's failures, told as store errors that say what to do. SQLite's own messages name
 * files, tables and columns, never values, so they can be quoted.
 */
import { StravaAuthError } from '../core/errors/strava-auth-error.ts';
import { StoreUnavailableError } from '../tokens/errors/store-unavailable-error.ts';
import { errnoCode } from '../node/errno-code.ts';

/** Primary result codes (https://sqlite.org/rescode.html) this store tells apart. */
export const SQLITE_BUSY = 5;
const SQLITE_PERM = 3;
const SQLITE_LOCKED = 6;
const SQLITE_READONLY = 8;
const SQLITE_IOERR = 10;
const SQLITE_CORRUPT = 11;
const SQLITE_FULL = 13;
const SQLITE_CANTOPEN = 14;
const SQLITE_NOTADB = 26;

const ACCESS_REMEDY =
  'Let this user read and write the database file, its directory and the -wal and -shm files beside it (the store writes on every refresh), or choose another path.';

/** The primary SQLite result code of a `node:sqlite` error, or undefined for any other error. */
export function sqliteCode(error: unknown): number | undefined {
  const { code, errcode } = (error ?? {}) as { code?: unknown; errcode?: unknown };
  return code === 'ERR_SQLITE_ERROR' && typeof errcode === 'number' ? errcode & 0xff : undefined;
}

function fileSystemProblem(code: string): [string, string] | undefined {
  if (['EACCES', 'EPERM', 'EROFS'].includes(code)) return [`its directory cannot be created or written (${code})`, ACCESS_REMEDY];
  if (['ENOTDIR', 'EISDIR', 'EEXIST'].includes(code)) return [`the path is not a file in a directory (${code})`, 'Choose a path to a file (or to where one can be created).'];
  if (['ENOSPC', 'EDQUOT'].includes(code)) return [`the disk is full (${code})`, 'Free some disk space, then try again.'];
  return undefined;
}

/**
 * The error to throw for `error`, raised by SQLite or the file system while using the store
 * `store`: strava-auth's own errors pass through, SQLite's and the file system's become a
 * {@link StoreUnavailableError} with a remedy, anything else passes through unchanged.
 */
export function toStoreError(error: unknown, store: string, busyTimeoutMs: number): unknown {
  if (error instanceof StravaAuthError) return error;
  const code = sqliteCode(error);
  const detail = (error as Error).message;
  let problem: [string, string] | undefined;
  switch (code) {
    case undefined:
      problem = fileSystemProblem(errnoCode(error));
      break;
    case SQLITE_READONLY:
    case SQLITE_PERM:
      problem = [`it is read-only for this process (${detail})`, ACCESS_REMEDY];
      break;
    case SQLITE_CANTOPEN:
      problem = [`it cannot be opened (${detail})`, ACCESS_REMEDY];
      break;
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      problem = [
        `the file is not a SQLite database, or it is damaged (${detail})`,
        'Point the store at another file, or restore this one from a backup; strava-auth never overwrites it.',
      ];
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      problem = [
        `another connection kept it locked for longer than the busy timeout (${busyTimeoutMs} ms)`,
        'Try again; if another program keeps long transactions open on this file, raise busyTimeoutMs.',
      ];
      break;
    case SQLITE_FULL:
      problem = [`the disk is full (${detail})`, 'Free some disk space, then try again.'];
      break;
    case SQLITE_IOERR:
      problem = [`reading or writing the file failed (${detail})`, 'Check the disk and the file system the database is on, then try again.'];
      break;
    default:
      problem = [`SQLite failed (${detail})`, 'See the cause; if it persists, report it with the SQLite message.'];
  }
  return problem ? new StoreUnavailableError({ store, problem: problem[0], remedy: problem[1], cause: error }) : error;
}

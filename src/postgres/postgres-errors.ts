import { StravaAuthError } from '../core/errors/strava-auth-error.ts';
import { StoreSchemaError } from '../tokens/errors/store-schema-error.ts';
import { StoreUnavailableError } from '../tokens/errors/store-unavailable-error.ts';
import type { PostgresTarget } from './postgres-target.ts';

/** PostgreSQL's `lock_not_available`: `lock_timeout` passed while waiting. */
export const LOCK_NOT_AVAILABLE = '55P03';

const UNREACHABLE_REMEDY =
  "Check that PostgreSQL is running and reachable at the connection string's host and port. Nothing stored was changed; calls work again once it answers.";

/** Node's codes for a server that cannot be reached at all. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

interface Diagnosis {
  problem: string;
  remedy: string;
  schema?: boolean;
}

function diagnose(code: string, message: string, target: PostgresTarget): Diagnosis {
  const detail = target.redact(message);
  if (NETWORK_CODES.has(code)) return { problem: `it cannot be reached (${code})`, remedy: UNREACHABLE_REMEDY };
  if (code === '25006') {
    return {
      problem: 'the database is read-only (a standby server, or default_transaction_read_only is on)',
      remedy: 'Point the connection string at the primary (writable) server, or turn default_transaction_read_only off for this role or database. Nothing stored was changed.',
    };
  }
  const connectionLost = code === '' && /connection|timeout/i.test(message);
  if (connectionLost || code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300') {
    return { problem: `the connection failed (${detail})`, remedy: UNREACHABLE_REMEDY };
  }
  if (code === '28P01' || code === '28000') return { problem: `it refused the login (${detail})`, remedy: "Check the user and password of the connection string (or the server's pg_hba.conf)." };
  if (code === '3D000') return { problem: `the database does not exist (${detail})`, remedy: 'Create the database (createdb), or fix the database name in the connection string.' };
  if (code === '42501') return { problem: `permission denied (${detail})`, remedy: 'Grant this role USAGE and CREATE on the schema and SELECT, INSERT, UPDATE, DELETE on the tables (or connect as their owner).' };
  if (code === '42P01' || code === '42703' || code === '42804' || code === '42P07') {
    return {
      problem: `its tables are not what strava-auth made (${detail})`,
      remedy: 'Restore the token tables as strava-auth created them (were they altered by hand?), or use another schema or table name.',
      schema: true,
    };
  }
  return { problem: `PostgreSQL answered ${code ? `${code}: ` : ''}${detail}`, remedy: 'Look for this error in the PostgreSQL server log; the failed statement changed nothing.' };
}

/**
 * Turns what the driver threw into the store's typed errors: unreachable, refused, read-only and
 * failed statements become StoreUnavailableError (altered tables StoreSchemaError), with the
 * password removed from every quoted message. strava-auth's own errors pass through unchanged.
 */
export function toStoreError(error: unknown, target: PostgresTarget, supportedVersion: number): Error {
  if (error instanceof StravaAuthError) return error;
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : String(error);
  const { problem, remedy, schema } = diagnose(typeof code === 'string' ? code : '', text, target);
  if (schema) return new StoreSchemaError({ store: target.label, problem, remedy, supportedVersion });
  // Not the driver's error itself: its `detail` can quote the failing row (tokens), and other
  // errors can echo the connection string. The cause keeps the code and the redacted message.
  const cause = Object.assign(new Error(target.redact(text)), typeof code === 'string' ? { code } : {});
  return new StoreUnavailableError({ store: target.label, problem, remedy, cause });
}

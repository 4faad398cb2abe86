/**
 * The PostgreSQL the tests use (`STRAVA_AUTH_TEST_DATABASE_URL`, default the local server's `test`
 * database), a schema of its own for every test (dropped afterwards), and the rule for a missing
 * server: skipped with the reason on a developer's machine, a failure in CI.
 */
import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import pg from 'pg';

export const TEST_DATABASE_URL = process.env.STRAVA_AUTH_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Why PostgreSQL cannot be used, or undefined when it answers. */
async function unreachableReason(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    const what = (error as { code?: string }).code ?? (error as Error).message;
    return `PostgreSQL does not answer at ${TEST_DATABASE_URL.replace(/\/\/[^@/]*@/, '//')} (${what}); start it or set STRAVA_AUTH_TEST_DATABASE_URL`;
  } finally {
    await client.end().catch(() => {});
  }
}

const reason = await unreachableReason();

/**
 * Options for `describe`: skipped with the reason when PostgreSQL is unreachable, except in CI,
 * where the tests run (and fail) so a missing database can never pass as green.
 */
export const postgresSuite: { skip?: string } = reason && !process.env.CI ? { skip: reason } : {};

/** Throws the reason in CI when PostgreSQL is unreachable (a test that says why the others fail). */
export function assertPostgresReachable(): void {
  if (reason) throw new Error(reason);
}

/** One admin pool per test file, for setting up and inspecting schemas. */
let adminPool: pg.Pool | undefined;
export function admin(): pg.Pool {
  adminPool ??= new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 4 });
  return adminPool;
}

/** Ends the admin pool (call from an `after` hook of the file). */
export async function closeAdmin(): Promise<void> {
  await adminPool?.end();
  adminPool = undefined;
}

/**
 * A schema no other test or run uses, created (unless `create` is false: the store creates it)
 * and dropped with everything in it when the test ends.
 */
export async function testSchema(t: TestContext, options: { create?: boolean } = {}): Promise<string> {
  const name = `sa_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  t.after(() => admin().query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`));
  if (options.create !== false) await admin().query(`CREATE SCHEMA "${name}"`);
  return name;
}

/** The `pg` driver is an optional peer dependency: without it, strava-auth/postgres loads and says what to install. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { test } from 'node:test';

const SCRIPT = fileURLToPath(new URL('./fixtures/without-pg.ts', import.meta.url));

test('without pg installed, strava-auth/postgres imports, and the first use is PostgresDriverMissingError saying npm install pg', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [SCRIPT], { timeout: 30_000 });
  const { error, isError } = JSON.parse(stdout) as { error: Record<string, unknown>; isError: boolean };
  assert.equal(isError, true);
  assert.deepEqual(error, {
    name: 'PostgresDriverMissingError',
    code: 'postgres_driver_missing',
    message: 'The PostgreSQL token store needs the "pg" driver, which is not installed. Install it next to strava-auth: npm install pg',
    remedy: 'Install it next to strava-auth: npm install pg',
  });
});

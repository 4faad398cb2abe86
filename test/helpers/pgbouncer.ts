/**
 * A real PgBouncer in transaction mode in front of the test PostgreSQL: the pooler many services
 * put between their replicas and the database, which hands a server connection to whichever
 * client starts the next transaction. A store that kept session state (a session-level lock, a
 * `SET`, a named prepared statement) would break behind it. Debian's `pgbouncer` package; the
 * tests say they were skipped when it is not installed (CI installs it and must run them).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import pg from 'pg';
import { tempDir } from '../fixtures/token-env.ts';
import { TEST_DATABASE_URL } from './postgres.ts';

const BINARY = '/usr/sbin/pgbouncer';

/** Options for `describe`: skipped with the reason when PgBouncer is missing, except in CI. */
export const pgbouncerSuite: { skip?: string } =
  !existsSync(BINARY) && !process.env.CI ? { skip: `PgBouncer is not installed (${BINARY}); apt-get install pgbouncer` } : {};

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Starts PgBouncer (transaction pooling, `poolSize` server connections) in front of the test
 * database, stopped when the test ends. Resolves with the connection string through it once it
 * answers; rejects (with its output) if it exits or does not answer within 10 s.
 */
export async function startPgBouncer(t: TestContext, poolSize = 2): Promise<string> {
  const target = new URL(TEST_DATABASE_URL);
  const dir = await tempDir(t, 'strava-auth-pgbouncer-');
  await chmod(dir, 0o755); // PgBouncer drops root and runs as postgres: it must read its files
  const port = await freePort();
  const database = target.pathname.slice(1) || 'test';
  const user = decodeURIComponent(target.username || 'postgres');
  await writeFile(join(dir, 'users.txt'), `"${user}" ""\n`);
  await writeFile(
    join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `${database} = host=${target.hostname} port=${target.port || 5432} dbname=${database}`,
      '[pgbouncer]',
      `listen_addr = 127.0.0.1`,
      `listen_port = ${port}`,
      `unix_socket_dir =`,
      `auth_type = trust`,
      `auth_file = ${join(dir, 'users.txt')}`,
      `pool_mode = transaction`,
      `default_pool_size = ${poolSize}`,
      `max_client_conn = 200`,
      `ignore_startup_parameters = extra_float_digits,options`,
      '',
    ].join('\n'),
  );
  const args = process.getuid?.() === 0 ? ['-u', 'postgres', join(dir, 'pgbouncer.ini')] : [join(dir, 'pgbouncer.ini')];
  const child: ChildProcess = spawn(BINARY, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`pgbouncer exited (${code}): ${output}`))));
  exited.catch(() => {});
  t.after(() => void child.kill('SIGKILL'));
  const url = `postgres://${encodeURIComponent(user)}@127.0.0.1:${port}/${database}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    const ok = await Promise.race([client.connect().then(() => client.query('SELECT 1')).then(() => true, () => false), exited]);
    await client.end().catch(() => {});
    if (ok) return url;
    if (Date.now() > deadline) throw new Error(`pgbouncer did not answer within 10 s: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50)); // polling a process's start-up, bounded above
  }
}

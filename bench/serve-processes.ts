/** Servers in child processes for the serve benches: the real CLI, or any script printing `{"url"}`. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Emulator } from '../src/emulator/index.ts';

const BIN = fileURLToPath(new URL('../bin/strava-auth.js', import.meta.url));
export const DATABASE_URL = process.env.STRAVA_AUTH_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** The key every bench service accepts (STRAVA_AUTH_API_KEYS). */
export const API_KEY = 'bench-api-key-0123456789abcdef';

/** A server in a child process, and where it listens. */
export interface Child {
  child: ChildProcess;
  url: string;
}

/** Spawns `args` and resolves once it prints a line with a `url` (JSON) on stdout. */
export async function spawnServer(args: string[], env: NodeJS.ProcessEnv): Promise<Child> {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'ignore'] });
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    lines.once('line', (line) => resolve((JSON.parse(line) as { url: string }).url));
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited (${code}) before listening`)));
  });
  return { child, url };
}

/** SIGTERM, and wait for the exit. */
export async function stop({ child }: Child): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** `strava-auth serve --db DB` against the emulator, in a child process. */
export function spawnServe(emu: Emulator, db: string, home: string, env: NodeJS.ProcessEnv = {}, args: string[] = []): Promise<Child> {
  return spawnServer([BIN, 'serve', '--port', '0', '--json', '--db', db, ...args], {
    ...env,
    XDG_CONFIG_HOME: home,
    STRAVA_BASE_URL: emu.url,
    STRAVA_CLIENT_ID: String(emu.clientId),
    STRAVA_CLIENT_SECRET: emu.clientSecret,
    STRAVA_AUTH_API_KEYS: API_KEY,
  });
}

/** Why PostgreSQL cannot be used, or undefined when it answers. */
export async function postgresReason(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code ?? (error as Error).message;
  } finally {
    await client.end().catch(() => {});
  }
}

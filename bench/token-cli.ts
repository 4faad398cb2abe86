/**
 * `strava-auth token` with a cached valid token, plain and encrypted at rest
 * (STRAVA_AUTH_ENCRYPTION_KEY), against `node -e 0` on the same Node binary, measured in the same
 * run, interleaved so that machine noise hits all alike.
 *
 *   node bench/token-cli.ts [runs]     (after npm run build)
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const runs = Number(process.argv[2] ?? 40);
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'strava-auth.js');
const home = mkdtempSync(join(tmpdir(), 'strava-auth-bench-'));
const env = { ...process.env, XDG_CONFIG_HOME: join(home, 'config'), HOME: home, BROWSER: '/nonexistent' };
const sealedEnv = { ...env, XDG_CONFIG_HOME: join(home, 'sealed'), STRAVA_AUTH_ENCRYPTION_KEY: randomBytes(32).toString('base64') };

function time(args: string[], withEnv: NodeJS.ProcessEnv = env): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { env: withEnv, encoding: 'utf8' });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr}`);
  return elapsed;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

try {
  // A real login against the built-in emulator, so the token file is what a user has.
  for (const loginEnv of [env, sealedEnv]) {
    const login = spawnSync(process.execPath, [bin, 'login', '--emulator'], { env: loginEnv, encoding: 'utf8' });
    if (login.status !== 0) throw new Error(`login failed: ${login.stderr}`);
  }
  const node: number[] = [];
  const token: number[] = [];
  const sealed: number[] = [];
  for (let i = 0; i < 3; i++) (time(['-e', '0']), time([bin, 'token']), time([bin, 'token'], sealedEnv)); // warm the file cache
  for (let i = 0; i < runs; i++) {
    node.push(time(['-e', '0']));
    token.push(time([bin, 'token']));
    sealed.push(time([bin, 'token'], sealedEnv));
  }
  const n = median(node);
  const t = median(token);
  const e = median(sealed);
  console.log(`strava-auth token (cached, valid) vs node -e 0, ${runs} runs each, interleaved, Node ${process.version}`);
  console.log('');
  console.log('| command                | median ms | min ms |');
  console.log('|------------------------|----------:|-------:|');
  console.log(`| node -e 0              | ${n.toFixed(1).padStart(9)} | ${Math.min(...node).toFixed(1).padStart(6)} |`);
  console.log(`| strava-auth token      | ${t.toFixed(1).padStart(9)} | ${Math.min(...token).toFixed(1).padStart(6)} |`);
  console.log(`| ... encrypted at rest  | ${e.toFixed(1).padStart(9)} | ${Math.min(...sealed).toFixed(1).padStart(6)} |`);
  console.log('');
  console.log(`ratio: ${(t / n).toFixed(2)}x, encrypted ${(e / n).toFixed(2)}x (goal: at most 1.2x)`);
} finally {
  rmSync(home, { recursive: true, force: true });
}

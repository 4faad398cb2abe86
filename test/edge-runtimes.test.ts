/**
 * The library in Bun, Deno and a Workers runtime (workerd, through miniflare), each from npm:
 * the built package (dist/, as a user's bundler or runtime loads it) runs the same smoke
 * (test/fixtures/edge/smoke.js) against the emulator started here in Node: authorize URL, code
 * exchange, a refresh near expiry through TokenManager + MemoryStore, GET /athlete and every activity
 * through the paginator. A runtime that cannot start fails the test in CI (CI=true) and is
 * skipped, with the reason, elsewhere.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, test, type TestContext } from 'node:test';
import { Miniflare } from 'miniflare';
import { startEmulator, type Emulator } from '../src/emulator/index.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EDGE = `${ROOT}test/fixtures/edge/`;
const BIN = `${ROOT}node_modules/.bin/`;
/** Bound of one runtime run: they take about a second; a hang fails here, below the per-test timeout. */
const RUN_MS = 60_000;

interface SmokeResult {
  authorizeHost: string;
  athleteId: number;
  scopes: string[];
  refreshed: boolean;
  activities: number;
}

interface Run {
  code: number | string | null;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: EDGE, timeout: RUN_MS, killSignal: 'SIGKILL', env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' } }, (error, stdout, stderr) => {
      resolve({ code: error ? (error.code ?? error.signal ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Fails in CI, skips elsewhere: a runtime missing here is a broken install there. */
function unavailable(t: TestContext, runtime: string, reason: string): void {
  if (process.env.CI) assert.fail(`${runtime} cannot run here, and CI must prove it: ${reason}`);
  t.skip(`${runtime} cannot run here: ${reason}`);
}

async function withEmulator(t: TestContext): Promise<{ emu: Emulator; config: Record<string, unknown> }> {
  assert.ok(existsSync(`${ROOT}dist/index.js`), 'dist/index.js is missing: `npm test` builds it first (npm run build)');
  const emu = await startEmulator({ consent: { policy: 'approve' } });
  t.after(() => emu.close());
  return { emu, config: { emulatorUrl: emu.url, clientId: emu.clientId, clientSecret: emu.clientSecret } };
}

/** What every runtime must have done, checked against the emulator's own record. */
function assertSmoke(emu: Emulator, result: SmokeResult): void {
  assert.equal(result.authorizeHost, new URL(emu.url).host);
  assert.ok(Number.isSafeInteger(result.athleteId) && result.athleteId > 0, `athlete id ${result.athleteId}`);
  assert.deepEqual(result.scopes, ['read', 'activity:read_all']);
  assert.equal(result.refreshed, true, 'near expiry the manager refreshed and hands out the new access token');
  const all = emu.activitiesOf(result.athleteId).length;
  assert.ok(all > 200, 'more than one page');
  assert.equal(result.activities, all);
  const calls = emu.stats().calls;
  assert.equal(calls['POST /oauth/token'], 2, 'the exchange and the refresh');
  assert.equal(calls['GET /api/v3/athlete'], 1);
  assert.ok((calls['GET /api/v3/athlete/activities'] ?? 0) >= Math.ceil(all / 200) + 1);
}

/** A worker on workerd, ready within a bound and disposed when the test ends (or at once if it fails to start). */
async function startWorker(t: TestContext, options: { script: string } | { scriptPath: string; modulesRoot: string; modulesRules: Array<{ type: 'ESModule'; include: string[] }> }): Promise<Miniflare> {
  const mf = new Miniflare({ modules: true, compatibilityDate: '2025-09-01', ...options });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      mf.ready,
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`miniflare not ready within ${RUN_MS} ms`)), RUN_MS))),
    ]);
  } catch (error) {
    await mf.dispose().catch(() => {}); // the start's own error is the one to report
    throw error;
  } finally {
    clearTimeout(timer);
  }
  t.after(() => mf.dispose());
  return mf;
}

function parseResult(runtime: string, out: Run): SmokeResult {
  const output = `exit ${out.code}\nstdout:\n${out.stdout}\nstderr:\n${out.stderr}`;
  assert.equal(out.code, 0, `${runtime} failed:\n${output}`);
  try {
    return JSON.parse(out.stdout.trim().split('\n').at(-1)!) as SmokeResult;
  } catch {
    assert.fail(`${runtime} printed no result:\n${output}`);
  }
}

describe('the library runs unchanged in other runtimes', () => {
  test('Bun', async (t) => {
    const version = await run(`${BIN}bun`, ['--version']);
    if (version.code !== 0) return unavailable(t, 'Bun', `node_modules/.bin/bun --version: ${version.code} ${version.stderr.trim()}`);
    const { emu, config } = await withEmulator(t);
    assertSmoke(emu, parseResult(`Bun ${version.stdout.trim()}`, await run(`${BIN}bun`, ['main.js', JSON.stringify(config)])));
  });

  test('Deno, allowed only the network to 127.0.0.1', async (t) => {
    const version = await run(`${BIN}deno`, ['--version']);
    if (version.code !== 0) return unavailable(t, 'Deno', `node_modules/.bin/deno --version: ${version.code} ${version.stderr.trim()}`);
    const { emu, config } = await withEmulator(t);
    const host = new URL(emu.url).host;
    // No read, write, env or run permission: a library that needed one would fail here.
    const args = ['run', '--no-config', '--no-lock', '--no-prompt', `--allow-net=${host}`, 'main.js', JSON.stringify(config)];
    assertSmoke(emu, parseResult(`Deno ${version.stdout.split('\n')[0]}`, await run(`${BIN}deno`, args)));
  });

  test('Workers (workerd through miniflare): the package as ES modules in a worker', async (t) => {
    // First a worker of one line: if that cannot run, workerd is missing here, not our package.
    try {
      const probe = await startWorker(t, { script: 'export default { fetch: () => new Response("ok") }' });
      assert.equal(await (await probe.dispatchFetch('http://probe.test/', { signal: AbortSignal.timeout(RUN_MS) })).text(), 'ok');
    } catch (error) {
      return unavailable(t, 'workerd', error instanceof Error ? error.message : String(error));
    }
    const { emu, config } = await withEmulator(t);
    // The package's own modules as workerd loads them: a `node:` import, or anything else a worker
    // cannot resolve, fails here with miniflare's message.
    const mf = await startWorker(t, { scriptPath: `${EDGE}worker.js`, modulesRoot: ROOT, modulesRules: [{ type: 'ESModule', include: ['**/*.js'] }] });
    const response = await mf.dispatchFetch('http://worker.test/', { method: 'POST', body: JSON.stringify(config), signal: AbortSignal.timeout(RUN_MS) });
    const text = await response.text();
    assert.equal(response.status, 200, `the worker failed:\n${text}`);
    assertSmoke(emu, JSON.parse(text) as SmokeResult);
  });
});

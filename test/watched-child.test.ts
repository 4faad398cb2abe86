/**
 * The test helpers that wait for a child's output fail, rather than hang, when the child exits
 * without printing what they wait for, or stays silent past the bound.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { spawnWorker } from './fixtures/spawn-worker.ts';
import type { WorkerConfig } from './fixtures/token-worker.ts';
import { tempDir } from './fixtures/token-env.ts';
import { cliSandbox } from './helpers/cli.ts';
import { WatchedChild } from './helpers/watched-child.ts';

const CONFIG: WorkerConfig = { mode: 'get', dir: '/nonexistent', key: 'default', baseUrl: 'http://127.0.0.1:9', clientId: 1, clientSecret: 'x', nowMs: 0 };

/** A worker script with `source` as its whole body. */
async function script(t: TestContext, source: string): Promise<string> {
  const path = join(await tempDir(t), 'child.ts');
  await writeFile(path, source);
  return path;
}

describe('waiting for a child that never prints', () => {
  test('nextLine rejects when the worker exits, with its exit code and stderr', async (t) => {
    const worker = spawnWorker(CONFIG, await script(t, "process.stderr.write('boom: no config\\n'); process.exit(7);"));
    await assert.rejects(worker.nextLine(), /worker get \(pid \d+\) exited with code 7 before showing a line on stdout\.\nLast stderr:\nboom: no config/);
    await assert.rejects(worker.nextLine(), /exited with code 7/, 'a later wait rejects at once too');
  });

  test('nextLine rejects when the worker is killed, naming the signal', async (t) => {
    const worker = spawnWorker(CONFIG, await script(t, 'setInterval(() => {}, 1000);'));
    const line = worker.nextLine();
    worker.child.kill('SIGKILL');
    await assert.rejects(line, /exited on signal SIGKILL before showing a line.*It wrote nothing to stderr\./s);
  });

  test('nextLine gives up after its bound on a worker that stays silent', async (t) => {
    const worker = spawnWorker(CONFIG, await script(t, 'setInterval(() => {}, 1000);'));
    t.after(() => worker.child.kill('SIGKILL'));
    await assert.rejects(worker.nextLine(50), /is still running and has not shown a line on stdout within 50 ms/);
  });

  test('waitForStderr rejects when the CLI exits without printing the pattern', async (t) => {
    const cli = await cliSandbox(t);
    const run = cli.start(['token', '--profile', 'nobody']);
    await assert.rejects(run.waitForStderr(/this never appears/), /strava-auth token \(pid \d+\) exited with code 3 before showing stderr matching .*No Strava tokens are stored for "nobody"/s);
    assert.equal((await run.done).code, 3);
  });

  test('exit() gives up after its bound and kills the child', async () => {
    const watched = new WatchedChild(spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']), 'idler');
    await assert.rejects(watched.exit(50), /idler \(pid \d+\) did not exit within 50 ms; killed\./);
    assert.equal((await watched.closed).signal, 'SIGKILL');
  });
});

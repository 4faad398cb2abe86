/**
 * Child processes of a bench started at the same instant: each child prints `ready`, waits for
 * `go` on stdin, does its work and prints one JSON line. Returns those lines and the wall time
 * from the start signal until every child answered.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export async function runAtOnce<Result>(script: string, configs: readonly unknown[]): Promise<{ results: Result[]; wallMs: number }> {
  const children = configs.map((config) => {
    const child = spawn(process.execPath, [script, JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const next = async () => {
      const line = await lines.next();
      if (line.done) throw new Error(`worker ${child.pid} exited early`);
      return line.value;
    };
    return { child, next };
  });
  for (const { next } of children) if ((await next()) !== 'ready') throw new Error('a worker did not start');
  const start = performance.now();
  for (const { child } of children) child.stdin!.write('go\n');
  const results = await Promise.all(children.map(async ({ next }) => JSON.parse(await next()) as Result));
  const wallMs = performance.now() - start;
  for (const { child } of children) child.stdin!.end();
  return { results, wallMs };
}

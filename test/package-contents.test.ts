/**
 * What `npm pack` ships (after the build `npm test` runs first): the public entry points' types and
 * nothing of the CLI's, source maps that carry their sources, the LICENSE, a manifest without
 * install-time scripts. And a clone that was never built still runs (bin/ falls back to src/),
 * since the build moved from `prepare` to `prepack` and `npm ci` no longer builds.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { cliSandbox, ROOT } from './helpers/cli.ts';

interface PackResult {
  files: Array<{ path: string }>;
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown> & {
  scripts: Record<string, string>;
  exports: Record<string, string | { types: string; default: string }>;
};

async function packedFiles(): Promise<string[]> {
  // --ignore-scripts: prepack would rebuild dist/ under the feet of the other test files.
  const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, timeout: 60_000 });
  const [result] = JSON.parse(stdout) as PackResult[];
  return result!.files.map((file) => file.path).sort();
}

test('the package holds the LICENSE, the public types only, and source maps with their sources', async () => {
  const files = await packedFiles();
  for (const file of ['LICENSE', 'README.md', 'package.json', 'bin/strava-auth.js', 'dist/cli/main.js', 'dist/cli/token-fast-path.js']) assert.ok(files.includes(file), file);
  for (const entry of Object.values(manifest.exports)) {
    if (typeof entry === 'object') assert.ok(files.includes(entry.types.replace(/^\.\//, '')), `${entry.types} ships`);
  }
  assert.deepEqual(
    files.filter((file) => file.startsWith('dist/cli/') && file.endsWith('.d.ts')),
    [],
    "the CLI's types are not public",
  );
  assert.deepEqual(
    files.filter((file) => !/^(bin|dist)\//.test(file) && !['LICENSE', 'README.md', 'package.json'].includes(file)),
    [],
    'nothing else (sources, tests, configuration)',
  );
  const maps = files.filter((file) => file.endsWith('.map'));
  assert.ok(maps.length > 100, `${maps.length} source maps`);
  for (const map of maps) {
    const { sources, sourcesContent } = JSON.parse(readFileSync(join(ROOT, map), 'utf8')) as { sources: string[]; sourcesContent?: Array<string | null> };
    assert.equal(sourcesContent?.length, sources.length, `${map} carries its sources`);
    assert.ok(sourcesContent.every((text) => typeof text === 'string' && text.length > 0), `${map} carries its sources`);
  }
});

test('the manifest: MIT with its LICENSE, where the code lives, and no script that runs at install', () => {
  assert.equal(manifest.license, 'MIT');
  assert.match(readFileSync(join(ROOT, 'LICENSE'), 'utf8'), /^MIT License\n/);
  for (const field of ['repository', 'homepage', 'bugs']) assert.ok(manifest[field], field);
  for (const script of ['preinstall', 'install', 'postinstall', 'prepare']) assert.equal(manifest.scripts[script], undefined, script);
  assert.match(manifest.scripts.prepack ?? '', /npm run build/);
});

test('a clone never built (no dist/) runs the README first command from the sources', async (t) => {
  const clone = mkdtempSync(join(tmpdir(), 'strava-auth-clone-'));
  t.after(() => rmSync(clone, { recursive: true, force: true }));
  for (const part of ['bin', 'src', 'package.json']) cpSync(join(ROOT, part), join(clone, part), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'));
  const entry = join(clone, 'bin', 'strava-auth.js');
  const cli = await cliSandbox(t);
  const login = await cli.run(['login', '--emulator'], { entry });
  assert.equal(login.code, 0, login.stderr);
  const token = await cli.run(['token'], { entry });
  assert.equal(token.code, 0, token.stderr);
  assert.equal(token.stdout, `${JSON.parse(readFileSync(join(cli.configDir, 'tokens', 'default.json'), 'utf8')).tokens.accessToken}\n`);
});

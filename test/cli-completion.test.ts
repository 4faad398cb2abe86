/**
 * `strava-auth completion`: the generated bash script run in real bash (COMP_WORDS, COMP_LINE,
 * the function, compgen), completing commands, flags, profile names from the config directory
 * and scope names; the zsh and fish scripts checked by their shells' parsers when installed.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { cliSandbox } from './helpers/cli.ts';
import { fakeCli } from './helpers/fake-io.ts';

/** Whether `shell` is on PATH. */
function installed(shell: string): boolean {
  return spawnSync(shell, ['-c', 'exit 0']).status === 0;
}

/** A config dir with profiles `default` (tokens) and `work` (settings only), and the script for `shell`. */
async function setup(t: TestContext, shell: string) {
  const cli = await fakeCli(t);
  await mkdir(join(cli.configDir, 'tokens'), { recursive: true });
  await mkdir(join(cli.configDir, 'profiles'), { recursive: true });
  await writeFile(join(cli.configDir, 'tokens', 'default.json'), '{}');
  await writeFile(join(cli.configDir, 'profiles', 'work.json'), '{}');
  const result = await cli.run(['completion', shell]);
  assert.equal(result.code, 0, result.stderr);
  const script = join(cli.home, `completion.${shell}`);
  await writeFile(script, result.stdout);
  return { cli, script };
}

/**
 * What bash offers for `line` (the cursor at its end), through the generated function as
 * `complete -F` calls it. `wordsOnly`: only COMP_WORDS and COMP_CWORD, as some callers set.
 */
function bashComplete(script: string, env: NodeJS.ProcessEnv, line: string, wordsOnly = false): string[] {
  const words = line.split(' ');
  const setup = wordsOnly
    ? `unset COMP_LINE COMP_POINT`
    : `COMP_LINE=${JSON.stringify(line)}; COMP_POINT=${line.length}`;
  const program = `source ${JSON.stringify(script)}
${setup}
COMP_WORDS=(${words.map((w) => JSON.stringify(w)).join(' ')}); COMP_CWORD=${words.length - 1}
_strava_auth
printf '%s\\n' "\${COMPREPLY[@]}"`;
  const out = execFileSync('bash', ['--norc', '--noprofile', '-c', program], { env: { PATH: process.env.PATH, HOME: env.HOME, XDG_CONFIG_HOME: env.XDG_CONFIG_HOME }, encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
}

describe('completion bash, in real bash', () => {
  const cases: Array<[line: string, offered: string[]]> = [
    ['strava-auth st', ['status']],
    ['strava-auth to', ['token', 'tokens']],
    ['strava-auth login --sc', ['--scope']],
    ['strava-auth login --scope activity:r', ['read', 'read_all']], // bash replaces what follows the colon
    ['strava-auth login -s read,activity:w', ['write']],
    ['strava-auth login --scope read,prof', ['read,profile:read_all', 'read,profile:write']],
    ['strava-auth status --profile ', ['default', 'work']],
    ['strava-auth -p ', ['default', 'work']],
    ['strava-auth -p work st', ['status']],
    ['strava-auth api /athlete --pa', ['--paginate']],
    ['strava-auth tokens ', ['migrate', 'reencrypt']],
    ['strava-auth tokens migrate --f', ['--from']],
    ['strava-auth webhooks create --c', ['--callback-url']],
    ['strava-auth emulator --consent ', ['approve', 'deny']],
    ['strava-auth upload --type g', ['gpx', 'gpx.gz']],
    ['strava-auth help ex', ['exchange', 'exit-codes']],
    ['strava-auth completion ', ['bash', 'zsh', 'fish']],
    ['strava-auth completion z', ['zsh']],
    // serve takes flags, or keys and its actions.
    ['strava-auth serve ', ['keys']],
    ['strava-auth serve k', ['keys']],
    ['strava-auth serve --p', ['--port', '--public-url', '--profile']],
    ['strava-auth serve --port 8080 --e', ['--emulator']],
    ['strava-auth serve keys ', ['create', 'list', 'revoke']],
    ['strava-auth -p work serve keys r', ['revoke']],
    ['strava-auth serve keys create --l', ['--label']],
    ['strava-auth serve keys list --', ['--label', '--db', '--json', '--help']],
    ['strava-auth serve keys revoke ', []], // the key id: no action again
    ['strava-auth tokens --h', ['--help']],
  ];
  for (const [line, offered] of cases) {
    test(JSON.stringify(line), async (t) => {
      const { cli, script } = await setup(t, 'bash');
      assert.deepEqual(bashComplete(script, cli.env, line), offered);
    });
  }
  test('COMP_WORDS alone (no COMP_LINE) is enough', async (t) => {
    const { cli, script } = await setup(t, 'bash');
    assert.deepEqual(bashComplete(script, cli.env, 'strava-auth logout --l', true), ['--local']);
    assert.deepEqual(bashComplete(script, cli.env, 'strava-auth refresh --profile w', true), ['work']);
  });
  test('every command of the top-level help is offered', async (t) => {
    const { cli, script } = await setup(t, 'bash');
    const help = (await cli.run(['--help'])).stdout;
    const listed = [...help.matchAll(/^ {2}([a-z]+) {2,}/gm)].map((m) => m[1]);
    const offered = bashComplete(script, cli.env, 'strava-auth ');
    for (const name of listed) assert.ok(offered.includes(name!), `${name} is not offered`);
  });
  test('the real binary prints the same script as the in-process run', async (t) => {
    const { cli } = await setup(t, 'bash');
    const real = await cliSandbox(t, cli.env);
    const [spawned, inProcess] = await Promise.all([real.run(['completion', 'bash']), cli.run(['completion', 'bash'])]);
    assert.equal(spawned.code, 0, spawned.stderr);
    assert.equal(spawned.stderr, '');
    assert.equal(spawned.stdout, inProcess.stdout);
  });
});

for (const shell of ['zsh', 'fish']) {
  test(`completion ${shell}: the script parses (${shell} -n)`, { skip: installed(shell) || process.env.CI ? false : `${shell} is not installed (.ci/run installs it)` }, async (t) => {
    const { script } = await setup(t, shell);
    const check = spawnSync(shell, ['-n', script], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stderr);
  });
}

test('completion zsh: the function offers the candidates zsh then filters (bashcompinit)', { skip: installed('zsh') || process.env.CI ? false : 'zsh is not installed (.ci/run installs it)' }, async (t) => {
  const { cli, script } = await setup(t, 'zsh');
  const offered = (line: string) =>
    execFileSync('zsh', ['-f', '-c', `source ${JSON.stringify(script)}; COMP_LINE=${JSON.stringify(line)}; COMP_POINT=${line.length}; _strava_auth; print -l -- $COMPREPLY`], {
      env: { PATH: process.env.PATH, HOME: cli.env.HOME, XDG_CONFIG_HOME: cli.env.XDG_CONFIG_HOME },
      encoding: 'utf8',
    })
      .split('\n')
      .filter(Boolean);
  assert.ok(offered('strava-auth st').includes('status'));
  assert.deepEqual(offered('strava-auth -p '), ['default', 'work']);
  assert.ok(offered('strava-auth login --scope activity:r').includes('activity:read_all'));
  assert.ok(offered('strava-auth tokens migrate --f').includes('--from'));
  assert.deepEqual(offered('strava-auth serve keys '), ['create', 'list', 'revoke']);
});

test('completion fish: commands, flags, profiles and scopes', { skip: installed('fish') || process.env.CI ? false : 'fish is not installed (.ci/run installs it)' }, async (t) => {
  const { cli, script } = await setup(t, 'fish');
  const offered = (line: string) =>
    execFileSync('fish', ['--no-config', '-c', `source ${JSON.stringify(script)}; complete -C ${JSON.stringify(line)}`], {
      env: { PATH: process.env.PATH, HOME: cli.env.HOME, XDG_CONFIG_HOME: cli.env.XDG_CONFIG_HOME },
      encoding: 'utf8',
    })
      .split('\n')
      .filter(Boolean)
      .map((row) => row.split('\t')[0]);
  assert.deepEqual(offered('strava-auth st'), ['status']);
  assert.deepEqual(offered('strava-auth -p '), ['default', 'work']);
  assert.ok(offered('strava-auth login --scope ').includes('activity:write'));
  assert.deepEqual(offered('strava-auth tokens migrate --f'), ['--from']);
  assert.deepEqual(offered('strava-auth serve '), ['keys']);
  assert.deepEqual(offered('strava-auth serve keys '), ['create', 'list', 'revoke']);
  assert.deepEqual(offered('strava-auth serve keys create '), []);
  assert.deepEqual(offered('strava-auth serve keys create --l'), ['--label']);
  assert.deepEqual(offered('strava-auth serve --p'), ['--port', '--profile', '--public-url']);
});

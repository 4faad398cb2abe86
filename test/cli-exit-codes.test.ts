/**
 * Exit codes a script can branch on, run in-process with fake IO (exact stderr, stdout and code): a mistake the user fixes is 2 (not
 * 1, which is kept for bugs), a refusal 7, an unreachable Strava 6. Each row names the situation,
 * the command, and what the user sees.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { startTestEmulator } from './helpers/emulator.ts';
import { fakeCli } from './helpers/fake-io.ts';

interface Row {
  situation: string;
  args: string[];
  /** Environment over the logged-in sandbox's (STRAVA_* pointing at the emulator). */
  env?: NodeJS.ProcessEnv;
  code: number;
  stderr: RegExp;
}

const rows: Row[] = [
  {
    situation: 'an unknown scope',
    args: ['login', '--scope', 'activty:write', '--force'],
    code: 2,
    stderr: /^error: --scope: Unknown Strava scope: "activty:write"\. Did you mean activity:write\? Valid scopes are [^\n]*\(comma or space separated\)\. For example: --scope read,activity:read_all\n/,
  },
  {
    situation: 'uploading a file that is not an activity',
    args: ['upload', 'notes.txt'],
    code: 2,
    stderr: /^error: Cannot tell the format of "notes\.txt" from its name\./,
  },
  {
    situation: 'no client secret configured (the profile remembers the id)',
    args: ['refresh'],
    env: { STRAVA_CLIENT_ID: '', STRAVA_CLIENT_SECRET: '' },
    code: 2,
    stderr: /^error: No Strava client secret \(STRAVA_CLIENT_SECRET\) is configured, and refreshing the token needs it \(looked in the environment, /,
  },
  {
    situation: 'Strava refuses the client secret',
    args: ['refresh'],
    env: { STRAVA_CLIENT_SECRET: 'not-the-secret' },
    code: 7,
    stderr: /^error: Strava rejected the client secret\./,
  },
  {
    situation: 'Strava cannot be reached',
    args: ['refresh'],
    env: { STRAVA_BASE_URL: 'http://127.0.0.1:2' },
    code: 6,
    stderr: /^error: Could not reach http:\/\/127\.0\.0\.1:2\/oauth\/token: /,
  },
];

describe('strava-auth exit codes', () => {
  for (const row of rows) {
    test(`${row.situation}: exit ${row.code}`, async (t) => {
      const emu = await startTestEmulator(t);
      emu.setConsent({ policy: 'approve' });
      const cli = await fakeCli(t, { STRAVA_BASE_URL: emu.url, STRAVA_CLIENT_ID: String(emu.clientId), STRAVA_CLIENT_SECRET: emu.clientSecret });
      const login = await cli.run(['login', '--scope', 'activity:read']);
      assert.equal(login.code, 0, login.stderr);
      await writeFile(join(cli.home, 'notes.txt'), 'shopping: milk, eggs\n');
      const result = await cli.run(row.args, row.env === undefined ? {} : { env: row.env });
      assert.equal(result.code, row.code, result.stderr);
      assert.match(result.stderr, row.stderr);
      assert.equal(result.stdout, '');
      assert.equal(result.stderr.match(/Valid scopes are/g)?.length ?? 0, row.situation === 'an unknown scope' ? 1 : 0, 'the list of scopes is said once');
    });
  }
});

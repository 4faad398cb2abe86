// The common case (a fresh token) is answered by bin/ from token-fast-path.ts before the CLI
// loads; this command is the rest: a refresh due, an invalid mark, encrypted tokens the fast path
// leaves, open permissions (warned about through the session, once).
import { DEFAULT_MARGIN_SECONDS } from '../../tokens/margin.ts';
import type { Command } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { emulatorFlag, profileFlag, type CommandSpec, type FlagValues } from '../flag-spec.ts';
import { parseFlags } from '../parse-flags.ts';

export const spec = {
  name: 'token',
  description: `Prints a valid access token for the profile and nothing else, refreshing it first (and saving the
rotated refresh token) when it has less than ${DEFAULT_MARGIN_SECONDS / 60} minutes left. Only a refresh needs the client secret.

  curl -H "Authorization: Bearer $(strava-auth token)" https://www.strava.com/api/v3/athlete`,
  flags: {
    profile: profileFlag('profile to use'),
    emulator: emulatorFlag('use the built-in emulator'),
  },
} as const satisfies CommandSpec;

export type TokenOptions = FlagValues<typeof spec.flags>;

export const command: Command<TokenOptions> = {
  spec,
  parse: (argv) => parseFlags(spec, argv).values,
  async run(values, deps) {
    const { withSession } = await import('../with-session.ts');
    return withSession(deps, values, async (session) => {
      deps.io.stdout.write(`${await (await session.tokens()).getAccessToken()}\n`);
      return EXIT.ok;
    });
  },
};

// Only what the hot path needs is imported up front: `strava-auth token` with a fresh token must
// cost barely more than starting Node. The refresh path loads the rest on demand.
import { join } from 'node:path';
import { systemClock } from '../../core/clock.ts';
import { TokenSet } from '../../core/token-set.ts';
import { resolveConfigDir } from '../../node/config-dir.ts';
import { FileStore } from '../../node/file-store.ts';
import { DEFAULT_MARGIN_SECONDS } from '../../tokens/margin.ts';
import { ENCRYPTION_KEY_VARIABLE, OLD_ENCRYPTION_KEYS_VARIABLE } from '../../tokens/token-cipher.ts';
import type { Command } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { emulatorFlag, profileFlag, type CommandSpec, type FlagValues } from '../flag-spec.ts';
import { profileName } from '../profile.ts';

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

/**
 * The flags of the common calls (`token`, `token --profile NAME`, `token --emulator`), read by hand:
 * util.parseArgs would load node:util, which alone adds ~30 built-in modules to start-up. Anything
 * else (`--help`, `--profile=x`, a typo) goes to the full parser, which accepts or reports it.
 */
function quickFlags(argv: readonly string[]): { profile?: string; emulator?: boolean } | undefined {
  const flags: { profile?: string; emulator?: boolean } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (arg === '--emulator') flags.emulator = true;
    else if ((arg === '--profile' || arg === '-p') && next !== undefined && !next.startsWith('-')) flags.profile = argv[++i]!;
    else return undefined;
  }
  return flags;
}

export const command: Command<TokenOptions> = {
  spec,
  parse: async (argv) => quickFlags(argv) ?? (await import('../parse-flags.ts')).parseFlags(spec, argv).values,
  async run(values, deps) {
    const { io } = deps;
    const profile = profileName(values.profile, io.env);
    try {
      // Encrypted tokens are opened here too; the cipher's code loads only when a key is set.
      const cipher =
        io.env[ENCRYPTION_KEY_VARIABLE] || io.env[OLD_ENCRYPTION_KEYS_VARIABLE] ? await (await import('../../tokens/cipher-from-env.ts')).cipherFromEnv(io.env) : undefined;
      const store = new FileStore({ dir: join(resolveConfigDir({ env: io.env }), 'tokens'), cipher });
      const record = await store.get(profile);
      // A fresh token is printed without starting anything else (no emulator, no credentials).
      if (record && !record.invalid && !TokenSet.fromData(record.tokens).isExpired(deps.clock ?? systemClock, DEFAULT_MARGIN_SECONDS)) {
        io.stdout.write(`${record.tokens.accessToken}\n`);
        return EXIT.ok;
      }
    } catch {
      // Whatever went wrong (a corrupt file, encrypted tokens and no key, a malformed key) is
      // reported by the full path below.
    }
    const { withSession } = await import('../with-session.ts');
    return withSession(deps, values, async (session) => {
      io.stdout.write(`${await (await session.tokens()).getAccessToken()}\n`);
      return EXIT.ok;
    });
  },
};

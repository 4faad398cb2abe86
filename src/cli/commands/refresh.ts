import { systemClock } from '../../core/clock.ts';
import type { Command } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { expiryInWords } from '../duration.ts';
import { emulatorFlag, jsonFlag, profileFlag, type CommandSpec, type FlagValues } from '../flag-spec.ts';
import { parseFlags } from '../parse-flags.ts';
import { withSession } from '../with-session.ts';

export const spec = {
  name: 'refresh',
  description: `Refreshes the profile's tokens now, whatever their expiry, and saves the result (Strava may rotate
the refresh token; the old one then stops working at once, so it is saved before anything else).
Strava returns the same access token while it has more than an hour left.`,
  flags: {
    json: jsonFlag('print the new expiry as JSON (never the tokens)'),
    profile: profileFlag('profile to refresh'),
    emulator: emulatorFlag('use the built-in emulator'),
  },
} as const satisfies CommandSpec;

export type RefreshOptions = FlagValues<typeof spec.flags>;

export const command: Command<RefreshOptions> = {
  spec,
  parse: (argv) => parseFlags(spec, argv).values,
  run: (options, deps) =>
    withSession(deps, options, async (session) => {
      const before = (await (await session.store()).get(session.profile))?.tokens;
      const manager = await session.tokenManager();
      const tokens = await manager.refresh({ force: true });
      const renewed = before?.accessToken !== tokens.accessToken;
      const rotated = before?.refreshToken !== tokens.refreshToken;
      if (options.json) {
        session.io.stdout.write(`${JSON.stringify({ profile: session.profile, expiresAt: new Date(tokens.expiresAt * 1000).toISOString(), accessTokenRenewed: renewed, refreshTokenRotated: rotated })}\n`);
      }
      session.io.stderr.write(
        `${session.style.green('✓')} Refreshed profile "${session.profile}": access token ${renewed ? 'renewed' : 'unchanged (Strava keeps it while it has over an hour left)'}, ${expiryInWords(tokens.expiresIn(deps.clock ?? systemClock))}; refresh token ${rotated ? 'rotated and saved' : 'unchanged'}.\n`,
      );
      return EXIT.ok;
    }),
};

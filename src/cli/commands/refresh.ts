import { systemClock } from '../../core/clock.ts';
import { parseCommandArgs } from '../args.ts';
import { EXIT, EXIT_CODES_HELP } from '../exit-codes.ts';
import { expiryInWords } from '../duration.ts';
import type { Command } from '../main.ts';
import { withSession } from '../with-session.ts';

const HELP = `Usage: strava-auth refresh [--json] [--profile NAME]

Refreshes the profile's tokens now, whatever their expiry, and saves the result (Strava may rotate
the refresh token; the old one then stops working at once, so it is saved before anything else).
Strava returns the same access token while it has more than an hour left.

Flags:
      --json           print the new expiry as JSON (never the tokens)
  -p, --profile NAME   profile to refresh (default: $STRAVA_PROFILE or "default")
      --emulator       use the built-in emulator

${EXIT_CODES_HELP}
`;

export const command: Command = {
  summary: 'Refresh the tokens now',
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, { json: { type: 'boolean' } }, HELP);
    return withSession(io, values, async (session) => {
      const before = (await (await session.store()).get(session.profile))?.tokens;
      const manager = await session.tokenManager();
      const tokens = await manager.refresh({ force: true });
      const renewed = before?.accessToken !== tokens.accessToken;
      const rotated = before?.refreshToken !== tokens.refreshToken;
      if (values.json) {
        io.stdout.write(`${JSON.stringify({ profile: session.profile, expiresAt: new Date(tokens.expiresAt * 1000).toISOString(), accessTokenRenewed: renewed, refreshTokenRotated: rotated })}\n`);
      }
      io.stderr.write(
        `${session.style.green('✓')} Refreshed profile "${session.profile}": access token ${renewed ? 'renewed' : 'unchanged (Strava keeps it while it has over an hour left)'}, ${expiryInWords(tokens.expiresIn(systemClock))}; refresh token ${rotated ? 'rotated and saved' : 'unchanged'}.\n`,
      );
      return EXIT.ok;
    });
  },
};

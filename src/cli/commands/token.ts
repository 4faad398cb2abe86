import { systemClock } from '../../core/clock.ts';
import { TokenSet } from '../../core/token-set.ts';
import { DEFAULT_MARGIN_SECONDS } from '../../tokens/token-manager.ts';
import { NotLoggedInError } from '../../tokens/errors/not-logged-in-error.ts';
import { parseCommandArgs } from '../args.ts';
import { reportError } from '../error-report.ts';
import { EXIT, EXIT_CODES_HELP } from '../exit-codes.ts';
import type { Command } from '../main.ts';
import { Session } from '../session.ts';

const HELP = `Usage: strava-auth token [--profile NAME]

Prints a valid access token for the profile and nothing else, refreshing it first (and saving the
rotated refresh token) when it has less than ${DEFAULT_MARGIN_SECONDS / 60} minutes left:

  curl -H "Authorization: Bearer $(strava-auth token)" https://www.strava.com/api/v3/athlete

Flags:
  -p, --profile NAME   profile to use (default: $STRAVA_PROFILE or "default")
      --emulator       use the built-in emulator

${EXIT_CODES_HELP}
`;

export const command: Command = {
  summary: 'Print a valid access token (refreshing it if needed)',
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, {});
    if (values.help) {
      io.stdout.write(HELP);
      return EXIT.ok;
    }
    const session = new Session(io, values);
    try {
      const record = await session.store().get(session.profile);
      if (!record) throw new NotLoggedInError(session.profile, { loginCommand: session.loginCommand() });
      // The hot path: a fresh token is printed without starting anything else (no emulator, no
      // credentials lookup). Anything else goes through the token manager's locked refresh.
      let token: string;
      if (!record.invalid && !TokenSet.fromData(record.tokens).isExpired(systemClock, DEFAULT_MARGIN_SECONDS)) token = record.tokens.accessToken;
      else token = await (await session.tokenManager()).getAccessToken();
      io.stdout.write(`${token}\n`);
      return EXIT.ok;
    } catch (error) {
      return reportError(io, error, session.secrets());
    } finally {
      await session.close();
    }
  },
};

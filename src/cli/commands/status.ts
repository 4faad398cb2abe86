import { escapeControlCharacters } from '../../core/terminal-text.ts';
import { systemClock } from '../../core/clock.ts';
import { TokenSet } from '../../core/token-set.ts';
import { NotLoggedInError } from '../../tokens/errors/not-logged-in-error.ts';
import { parseCommandArgs } from '../args.ts';
import { EXIT, EXIT_CODES_HELP } from '../exit-codes.ts';
import { expiryInWords } from '../duration.ts';
import type { Command } from '../main.ts';
import { athleteName } from '../save-login.ts';
import { withSession } from '../with-session.ts';

const HELP = `Usage: strava-auth status [--json] [--profile NAME]

Shows who is logged in on the profile, the granted scopes, when the access token expires, which
Strava the profile talks to and where its tokens are stored. Works offline: nothing is refreshed.

Flags:
      --json           print JSON for scripts (no token is ever included)
  -p, --profile NAME   profile to show (default: $STRAVA_PROFILE or "default")

Exits 0 when logged in, 3 when not logged in or the refresh token was refused by Strava.

${EXIT_CODES_HELP}
`;

export const command: Command = {
  summary: 'Show who is logged in, the scopes and when the token expires',
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, { json: { type: 'boolean' } }, HELP);
    return withSession(io, values, async (session) => {
      const store = await session.store();
      const tokenFile = store.pathOf(session.profile);
      const [record, config, profiles] = await Promise.all([store.get(session.profile), session.config(), store.keys()]);
      const emulator = await session.usesEmulator();
      const strava = emulator ? `built-in emulator (state in ${session.emulatorStatePath})` : (await session.endpoints()).oauthBaseUrl;
      if (!record) {
        if (values.json) io.stdout.write(`${JSON.stringify({ profile: session.profile, loggedIn: false, profiles })}\n`);
        throw new NotLoggedInError(session.profile, { loginCommand: session.loginCommand() });
      }
      const tokens = TokenSet.fromData(record.tokens);
      const expiresIn = tokens.expiresIn(systemClock);
      if (values.json) {
        io.stdout.write(
          `${JSON.stringify({
            profile: session.profile,
            loggedIn: !record.invalid,
            athlete: tokens.athlete ? { id: tokens.athlete.id, firstname: tokens.athlete.firstname, lastname: tokens.athlete.lastname } : null,
            scopes: tokens.scopes,
            expiresAt: new Date(tokens.expiresAt * 1000).toISOString(),
            expiresInSeconds: expiresIn,
            refreshToken: record.invalid ? { valid: false, reason: record.invalid.reason, since: new Date(record.invalid.at).toISOString() } : { valid: true },
            strava,
            emulator,
            clientId: config?.clientId ?? null,
            tokenFile,
            updatedAt: new Date(record.updatedAt).toISOString(),
            profiles,
          })}\n`,
        );
      } else {
        const { bold, green, red, yellow } = session.style;
        const lines = [
          `${bold(`Profile "${session.profile}"`)}${profiles.length > 1 ? ` (profiles: ${profiles.join(', ')})` : ''}`,
          `  Athlete:   ${athleteName(tokens)}`,
          `  Scopes:    ${tokens.scopes.join(', ')}`,
          `  Access:    ${expiresIn > 0 ? green(expiryInWords(expiresIn)) : yellow(`${expiryInWords(expiresIn)} (the next strava-auth token refreshes it)`)} (${new Date(tokens.expiresAt * 1000).toISOString()})`,
          `  Refresh:   ${record.invalid ? red(`refused by Strava: ${escapeControlCharacters(record.invalid.reason)}; run ${session.loginCommand()}`) : 'valid'}`,
          `  Strava:    ${strava}`,
          `  Client ID: ${config?.clientId ?? 'unknown'}`,
          `  Stored in: ${tokenFile}`,
        ];
        io.stdout.write(`${lines.join('\n')}\n`);
      }
      return record.invalid ? EXIT.auth : EXIT.ok;
    });
  },
};

import { escapeControlCharacters } from '../../core/terminal-text.ts';
import { STRAVA_OAUTH_BASE_URL } from '../../core/endpoints.ts';
import { systemClock } from '../../core/clock.ts';
import { TokenSet } from '../../core/token-set.ts';
import { NotLoggedInError } from '../../tokens/errors/not-logged-in-error.ts';
import type { Command } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { expiryInWords } from '../duration.ts';
import { emulatorFlag, jsonFlag, profileFlag, type CommandSpec, type FlagValues } from '../flag-spec.ts';
import { parseFlags } from '../parse-flags.ts';
import { athleteName } from '../save-login.ts';
import type { Session } from '../session.ts';
import { withSession } from '../with-session.ts';

export const spec = {
  name: 'status',
  description: `Shows who is logged in on the profile, the granted scopes, when the access token expires, which
Strava the profile talks to and where its tokens are stored. Works offline: nothing is refreshed.
Exits 0 when logged in, 3 when not logged in or the refresh token was refused by Strava.`,
  flags: {
    json: jsonFlag('print JSON for scripts (no token is ever included)'),
    profile: profileFlag('profile to show'),
    emulator: emulatorFlag('show the profile as logged in to the built-in emulator'),
  },
} as const satisfies CommandSpec;

export type StatusOptions = FlagValues<typeof spec.flags>;

/** Which Strava a profile talks to, in one shape whatever it is (`status --json`'s `strava`). */
export interface StravaTarget {
  kind: 'emulator' | 'strava' | 'custom';
  /** The OAuth base URL; null for the built-in emulator, which runs only while a command runs. */
  url: string | null;
  /** Where the built-in emulator keeps its athletes and tokens. */
  statePath?: string;
}

async function stravaTarget(session: Session): Promise<StravaTarget> {
  if (await session.usesEmulator()) return { kind: 'emulator', url: null, statePath: session.emulatorStatePath };
  const url = (await session.endpoints()).oauthBaseUrl;
  return { kind: url === STRAVA_OAUTH_BASE_URL ? 'strava' : 'custom', url };
}

function describeTarget(target: StravaTarget): string {
  return target.kind === 'emulator' ? `built-in emulator (state in ${target.statePath})` : target.url!;
}

export const command: Command<StatusOptions> = {
  spec,
  parse: (argv) => parseFlags(spec, argv).values,
  run: (options, deps) =>
    withSession(deps, options, async (session) => {
      const { io } = session;
      const clock = deps.clock ?? systemClock;
      const store = await session.store();
      const tokenFile = store.pathOf(session.profile);
      const [record, config, profiles] = await Promise.all([store.get(session.profile), session.config(), store.keys()]);
      const strava = await stravaTarget(session);
      if (!record) {
        if (options.json) io.stdout.write(`${JSON.stringify({ profile: session.profile, loggedIn: false, profiles })}\n`);
        throw new NotLoggedInError(session.profile, { loginCommand: session.loginCommand() });
      }
      const tokens = TokenSet.fromData(record.tokens);
      const expiresIn = tokens.expiresIn(clock);
      if (options.json) {
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
            emulator: strava.kind === 'emulator',
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
          `  Strava:    ${describeTarget(strava)}`,
          `  Client ID: ${config?.clientId ?? 'unknown'}`,
          `  Stored in: ${tokenFile}`,
        ];
        io.stdout.write(`${lines.join('\n')}\n`);
      }
      return record.invalid ? EXIT.auth : EXIT.ok;
    }),
};

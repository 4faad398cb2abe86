import { deauthorize, revokeToken } from '../../core/token-endpoint.ts';
import { NetworkError } from '../../core/errors/network-error.ts';
import { TokenSet } from '../../core/token-set.ts';
import type { Command } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { emulatorFlag, profileFlag, type CommandSpec, type FlagValues } from '../flag-spec.ts';
import { parseFlags } from '../parse-flags.ts';
import { athleteName } from '../save-login.ts';
import { withSession } from '../with-session.ts';

export const spec = {
  name: 'logout',
  description: `Revokes the profile's access at Strava (POST /oauth/revoke, falling back to the legacy
/oauth/deauthorize), then forgets the tokens here. If Strava cannot be told, the tokens are kept
so nothing is lost: try again, or use --local. Only revoking needs the client secret.`,
  flags: {
    local: {
      type: 'boolean',
      description: 'only forget the tokens here; access at Strava stays until the athlete removes the app on https://www.strava.com/settings/apps',
    },
    profile: profileFlag('profile to log out'),
    emulator: emulatorFlag('use the built-in emulator'),
  },
} as const satisfies CommandSpec;

export type LogoutOptions = FlagValues<typeof spec.flags>;

/** Errors of encrypted tokens that cannot be opened with the keys given. */
const UNREADABLE_ENCRYPTED = new Set<unknown>(['encryption_key_missing', 'unknown_encryption_key', 'decryption_failed']);

export const command: Command<LogoutOptions> = {
  spec,
  parse: (argv) => parseFlags(spec, argv).values,
  run: (values, deps) =>
    withSession(deps, values, async (session) => {
      const { io } = session;
      const store = await session.store();
      const record = await store.get(session.profile).catch(async (error: unknown) => {
        // Encrypted tokens whose key is lost: --local is the way out (the remedy those errors give).
        if (!values.local || !UNREADABLE_ENCRYPTED.has((error as { code?: unknown }).code)) throw error;
        await store.delete(session.profile);
        io.stderr.write(
          `${session.style.green('✓')} Forgot the encrypted tokens of profile "${session.profile}" here (--local); they could not be decrypted, so access at Strava stays until the athlete removes the app on https://www.strava.com/settings/apps.\n`,
        );
        return null;
      });
      if (record === null) return EXIT.ok;
      if (!record) {
        io.stderr.write(`Profile "${session.profile}" is not logged in; nothing to do.\n`);
        return EXIT.ok;
      }
      const tokens = TokenSet.fromData(record.tokens);
      let how = 'forgotten here only (--local)';
      if (!values.local) {
        const oauth = await session.oauthConfig({ prompt: false, purpose: 'revoking access at Strava' });
        try {
          await revokeToken(oauth, tokens.refreshToken, 'refresh_token');
          how = 'revoked at Strava';
        } catch (revokeError) {
          try {
            // Unreachable is unreachable for the legacy endpoint too: trying it (and a refresh
            // first) would only spend another minute on a dead network.
            if (revokeError instanceof NetworkError) throw revokeError;
            // The legacy endpoint needs a live access token.
            const access = record.invalid ? tokens.accessToken : await (await session.tokens()).getAccessToken();
            await deauthorize(oauth, access);
            how = 'deauthorized at Strava (legacy endpoint)';
          } catch {
            if (!record.invalid) {
              io.stderr.write(`Strava could not be told to revoke access, so the tokens are kept. Try again, or forget them here only: strava-auth logout --local${session.profile === 'default' ? '' : ` --profile ${session.profile}`}\n`);
              throw revokeError;
            }
            how = 'forgotten here (Strava had already refused the refresh token)';
          }
        }
      }
      await store.delete(session.profile);
      io.stderr.write(`${session.style.green('✓')} Logged out ${athleteName(tokens)} from profile "${session.profile}": ${how}.\n`);
      return EXIT.ok;
    }),
};

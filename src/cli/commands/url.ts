import { buildAuthorizationUrl } from '../../core/authorize-url.ts';
import { parseCommandArgs } from '../args.ts';
import { UsageError } from '../usage-error.ts';
import { scopeFlag } from '../flag-values.ts';
import { EXIT, EXIT_CODES_HELP } from '../exit-codes.ts';
import type { Command } from '../main.ts';
import { savePending } from '../pending-authorization.ts';
import { checkAuthorizeUrl } from '../check-authorize-url.ts';
import { withSession } from '../with-session.ts';
import { DEFAULT_LOGIN_SCOPES } from './login.ts';

const HELP = `Usage: strava-auth url --redirect-uri URI [--scope LIST] [--force] [--mobile] [--json]

Prints an authorize URL for a redirect URI of your choosing, for flows where Strava's redirect goes
somewhere strava-auth cannot listen (your web app, another machine). Open it, authorize, then give
the address you land on to strava-auth exchange, which checks its state and stores the tokens.

Flags:
      --redirect-uri URI   where Strava sends the athlete back (inside your app's Authorization
                           Callback Domain; localhost and 127.0.0.1 always work)
  -s, --scope LIST         scopes to ask for (default: ${DEFAULT_LOGIN_SCOPES})
  -f, --force              always show the consent page (approval_prompt=force)
      --mobile             Strava's mobile authorize page
      --json               print {"url", "state"} as JSON
  -p, --profile NAME       profile whose app (client id) to use
      --emulator           use the built-in emulator's app

${EXIT_CODES_HELP}
`;

export const command: Command = {
  summary: 'Print an authorize URL for a redirect URI of your choosing',
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, {
      'redirect-uri': { type: 'string' },
      scope: { type: 'string', short: 's' },
      force: { type: 'boolean', short: 'f' },
      mobile: { type: 'boolean' },
      json: { type: 'boolean' },
    }, HELP);
    const redirectUri = values['redirect-uri'];
    if (!redirectUri) throw new UsageError('--redirect-uri is required, e.g. --redirect-uri http://localhost:8080/callback');
    if (!URL.canParse(redirectUri)) throw new UsageError(`--redirect-uri must be an absolute URL; got "${redirectUri}".`);
    const scopes = scopeFlag(values.scope ?? DEFAULT_LOGIN_SCOPES, io);
    return withSession(io, values, async (session) => {
      if (await session.usesEmulator()) {
        throw new UsageError(
          'The built-in emulator only runs while a command runs, so its URLs would lead nowhere. Start one that stays up (strava-auth emulator) and point at it with STRAVA_BASE_URL, or use strava-auth login --emulator.',
        );
      }
      const { clientId } = await session.credentials({ prompt: true });
      const { oauthBaseUrl } = await session.endpoints();
      const { url, state } = buildAuthorizationUrl({
        clientId,
        redirectUri,
        scopes,
        approvalPrompt: values.force ? 'force' : 'auto',
        variant: values.mobile ? 'mobile' : 'web',
        baseUrl: oauthBaseUrl,
      });
      // Strava shows a redirect URI outside the callback domain only in the browser; say it here.
      await checkAuthorizeUrl(url, session.requestLimits());
      await savePending(session.configDir, session.profile, { state, scopes, redirectUri, createdAt: Date.now() });
      if (values.json) io.stdout.write(`${JSON.stringify({ url: url.toString(), state })}\n`);
      else io.stdout.write(`${url}\n`);
      io.stderr.write(`Then: strava-auth exchange '<the address you land on>'${session.profile === 'default' ? '' : ` --profile ${session.profile}`}\n`);
      return EXIT.ok;
    });
  },
};

import { buildAuthorizationUrl } from '../../core/authorize-url.ts';
import { type Scope } from '../../core/scopes.ts';
import type { Command } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { emulatorFlag, jsonFlag, profileFlag, scopeSpec, type CommandSpec, type FlagValues } from '../flag-spec.ts';
import { scopeFlag } from '../flag-values.ts';
import type { Io } from '../io.ts';
import { parseFlags } from '../parse-flags.ts';
import { UsageError } from '../usage-error.ts';
import { savePending } from '../pending-authorization.ts';
import { checkAuthorizeUrl } from '../check-authorize-url.ts';
import { withSession } from '../with-session.ts';
import { DEFAULT_LOGIN_SCOPES } from './login.ts';

export const spec = {
  name: 'url',
  description: `Prints an authorize URL for a redirect URI of your choosing, for flows where Strava's redirect goes
somewhere strava-auth cannot listen (your web app, another machine). Open it, authorize, then give
the address you land on to strava-auth exchange, which checks its state and stores the tokens.`,
  flags: {
    'redirect-uri': {
      type: 'string',
      required: true,
      example: 'http://localhost:8080/callback',
      value: 'URI',
      description: "where Strava sends the athlete back (inside your app's Authorization Callback Domain; localhost and 127.0.0.1 always work)",
    },
    scope: scopeSpec(`scopes to ask for (default: ${DEFAULT_LOGIN_SCOPES})`),
    force: { type: 'boolean', short: 'f', description: 'always show the consent page (approval_prompt=force)' },
    mobile: { type: 'boolean', description: "Strava's mobile authorize page" },
    json: jsonFlag('print {"url", "state"} as JSON'),
    profile: profileFlag('profile whose app (client id) to use'),
    emulator: emulatorFlag("use the built-in emulator's app"),
  },
} as const satisfies CommandSpec;

/** What `url` was asked, checked before anything is sent. */
export interface UrlOptions extends FlagValues<typeof spec.flags> {
  redirectUri: string;
  scopes: Scope[];
}

/** `url`'s command line to its options. */
export function parse(argv: string[], io: Io): UrlOptions {
  const { values } = parseFlags(spec, argv);
  const redirectUri = values['redirect-uri'];
  if (!URL.canParse(redirectUri)) throw new UsageError(`--redirect-uri must be an absolute URL; got "${redirectUri}".`);
  return { ...values, redirectUri, scopes: scopeFlag(values.scope ?? DEFAULT_LOGIN_SCOPES, io) };
}

export const command: Command<UrlOptions> = {
  spec,
  parse,
  run: (values, deps) =>
    withSession(deps, values, async (session) => {
      const { io } = session;
      const { redirectUri, scopes } = values;
      if (await session.usesEmulator()) {
        throw new UsageError(
          'The built-in emulator only runs while a command runs, so its URLs would lead nowhere. Start one that stays up (strava-auth emulator) and point at it with STRAVA_BASE_URL, or use strava-auth login --emulator.',
        );
      }
      const clientId = await session.clientId({ prompt: true });
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
    }),
};

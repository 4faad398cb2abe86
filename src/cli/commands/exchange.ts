import { exchangeCode } from '../../core/token-endpoint.ts';
import { normalizeScopes, type Scope } from '../../core/scopes.ts';
import { parseCallback, readCallbackUnchecked } from '../../core/callback.ts';
import { parseCommandArgs } from '../args.ts';
import { UsageError } from '../usage-error.ts';
import { scopeFlag } from '../flag-values.ts';
import { EXIT, EXIT_CODES_HELP } from '../exit-codes.ts';
import type { Command } from '../main.ts';
import { deletePending, readPending } from '../pending-authorization.ts';
import { saveLogin } from '../save-login.ts';
import { withSession } from '../with-session.ts';

const HELP = `Usage: strava-auth exchange CODE_OR_URL [--scope LIST] [--json] [--profile NAME]

Exchanges an authorization code for tokens and stores them in the profile: the manual path, for
redirects that go somewhere strava-auth cannot listen. Pass the whole address the browser landed on
(best: its state is checked against strava-auth url's, and its scope list says what was granted)
or just the code.

Flags:
  -s, --scope LIST     the scopes granted, when passing a bare code (default: those asked for by
                       strava-auth url, else read)
      --json           print the result as JSON on stdout
  -p, --profile NAME   profile to store the tokens in (default: $STRAVA_PROFILE or "default")

Example:
  strava-auth url --redirect-uri https://myapp.example.com/strava/callback --scope activity:write
  strava-auth exchange 'https://myapp.example.com/strava/callback?state=...&code=...&scope=read,activity:write'

${EXIT_CODES_HELP}
`;

export const command: Command = {
  summary: 'Exchange a code (or the redirected URL) for tokens',
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { scope: { type: 'string', short: 's' }, json: { type: 'boolean' } }, HELP, true);
    if (positionals.length !== 1) throw new UsageError('exchange takes one argument: the code, or the whole address the browser landed on.');
    const input = positionals[0]!.trim();
    const scopeList = values.scope === undefined ? undefined : scopeFlag(values.scope, io);
    return withSession(io, values, async (session) => {
      await session.assertTokensStorable();
      const pending = await readPending(session.configDir, session.profile);
      const warn = (w: string) => io.stderr.write(`${session.style.yellow('warning:')} ${w}\n`);
      let code: string;
      let scopes: Scope[];
      let scopesKnown = true;
      let requested: Scope[];
      if (/[?&=]/.test(input)) {
        // An address (or its query): its state must be the one strava-auth url made.
        if (pending) {
          ({ code, scopes } = parseCallback(input, { expectedState: pending.state, requestedScopes: pending.scopes }));
        } else {
          warn('no authorize URL from strava-auth url is pending for this profile, so the state could not be checked.');
          ({ code, scopes } = readCallbackUnchecked(input));
        }
        requested = pending?.scopes ?? scopes;
      } else {
        code = input;
        scopes = normalizeScopes(['read', ...(scopeList ?? pending?.scopes ?? [])]);
        requested = scopes;
        scopesKnown = values.scope !== undefined;
        if (!scopesKnown) warn(`a bare code does not say which scopes were granted; assuming ${scopes.join(',')} (pass --scope, or the whole address).`);
      }
      session.redactor.add(code);
      const oauth = await session.oauthConfig({ prompt: true });
      const tokens = await exchangeCode(oauth, code, { scopes });
      await deletePending(session.configDir, session.profile);
      return await saveLogin(session, tokens, { requested, credentials: await session.credentials(), json: values.json ?? false, scopesKnown });
    });
  },
};

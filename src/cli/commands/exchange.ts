import { exchangeCode } from '../../core/token-endpoint.ts';
import { normalizeScopes, type Scope } from '../../core/scopes.ts';
import { parseCallback, readCallbackUnchecked } from '../../core/callback.ts';
import type { Command } from '../command.ts';
import { emulatorFlag, jsonFlag, profileFlag, scopeSpec, type CommandSpec, type FlagValues } from '../flag-spec.ts';
import { scopeFlag } from '../flag-values.ts';
import type { Io } from '../io.ts';
import { parseFlags } from '../parse-flags.ts';
import { UsageError } from '../usage-error.ts';
import { deletePending, readPending } from '../pending-authorization.ts';
import { saveLogin } from '../save-login.ts';
import { withSession } from '../with-session.ts';

export const spec = {
  name: 'exchange',
  args: 'CODE_OR_URL',
  description: `Exchanges an authorization code for tokens and stores them in the profile: the manual path, for
redirects that go somewhere strava-auth cannot listen. Pass the whole address the browser landed on
(best: its state is checked against strava-auth url's, and its scope list says what was granted)
or just the code.`,
  flags: {
    scope: scopeSpec('the scopes granted, when passing a bare code (default: those asked for by strava-auth url, else read)'),
    json: jsonFlag(),
    profile: profileFlag('profile to store the tokens in'),
    emulator: emulatorFlag('exchange the code at the built-in emulator'),
  },
  more: `Example:
  strava-auth url --redirect-uri https://myapp.example.com/strava/callback --scope activity:write
  strava-auth exchange 'https://myapp.example.com/strava/callback?state=...&code=...&scope=read,activity:write'`,
} as const satisfies CommandSpec;

/** What `exchange` was given, checked before anything is sent. */
export interface ExchangeOptions extends FlagValues<typeof spec.flags> {
  input: string;
  scopeList: Scope[] | undefined;
}

/** `exchange`'s command line to its options. */
export function parse(argv: string[], io: Io): ExchangeOptions {
  const { values, positionals } = parseFlags(spec, argv);
  if (positionals.length !== 1) throw new UsageError('exchange takes one argument: the code, or the whole address the browser landed on.');
  return { ...values, input: positionals[0]!.trim(), scopeList: values.scope === undefined ? undefined : scopeFlag(values.scope, io) };
}

export const command: Command<ExchangeOptions> = {
  spec,
  parse,
  run: (values, deps) =>
    withSession(deps, values, async (session) => {
      const { io } = session;
      const { input, scopeList } = values;
      await session.assertTokensStorable();
      const pending = await readPending(session.configDir, session.profile);
      const { warn } = session;
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
    }),
};

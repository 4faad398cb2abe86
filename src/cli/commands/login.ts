import { AuthorizationRequest } from '../../core/authorization-request.ts';
import { StateMismatchError } from '../../core/errors/state-mismatch-error.ts';
import { StravaAuthError } from '../../core/errors/strava-auth-error.ts';
import { exchangeCode, type OAuthConfig } from '../../core/token-endpoint.ts';
import { limitsWithin } from '../../core/request-limits.ts';
import { normalizeScopes, type Scope } from '../../core/scopes.ts';
import { type CallbackResult } from '../../core/callback.ts';
import { type TokenSet } from '../../core/token-set.ts';
import { openBrowser } from '../browser.ts';
import { checkAuthorizeUrl } from '../check-authorize-url.ts';
import type { Command, CommandDeps } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { emulatorFlag, jsonFlag, profileFlag, scopeSpec, type CommandSpec, type FlagValues } from '../flag-spec.ts';
import { portFlag, scopeFlag, secondsFlag } from '../flag-values.ts';
import type { Io } from '../io.ts';
import { startLoopbackServer, type CallbackReply } from '../loopback-server.ts';
import { errorPage, successPage } from '../pages.ts';
import { parseFlags } from '../parse-flags.ts';
import { readLines } from '../prompt.ts';
import { athleteName, saveLogin } from '../save-login.ts';
import type { Session } from '../session.ts';
import { startSpinner } from '../style.ts';
import { withSession } from '../with-session.ts';

/** What `login` asks for when `--scope` is not given: the athlete's profile and all their activities. */
export const DEFAULT_LOGIN_SCOPES = 'read,activity:read_all';

export const spec = {
  name: 'login',
  description: `Logs in to Strava in the browser and stores the tokens for this profile. A one-shot server on
127.0.0.1 receives Strava's redirect; nothing is reachable from the network. The client id and
secret come from STRAVA_CLIENT_ID / STRAVA_CLIENT_SECRET, ./.env, or the profile; on a terminal,
login asks for them and saves them (mode 0600).`,
  flags: {
    scope: scopeSpec(`scopes to ask for (default: ${DEFAULT_LOGIN_SCOPES})`),
    force: { type: 'boolean', short: 'f', description: "always show Strava's consent page (needed to add scopes)" },
    'no-browser': {
      type: 'boolean',
      description: 'print the URL instead of opening a browser (SSH, headless machines), then paste the address you land on, or just its code',
    },
    port: { type: 'string', value: 'N', description: 'port of the local callback server (default: a free one)' },
    timeout: { type: 'string', value: 'SECS', description: 'give up after SECS seconds (default 300)' },
    json: jsonFlag(),
    profile: profileFlag('profile to log in'),
    emulator: emulatorFlag('log in to the built-in Strava emulator (no Strava account needed)'),
  },
  more: `Examples:
  strava-auth login --emulator
  strava-auth login --scope activity:write,activity:read_all
  strava-auth login --no-browser --profile work`,
} as const satisfies CommandSpec;

/** What `login` was asked, checked before anything is sent (exit 2). */
export interface LoginOptions extends FlagValues<typeof spec.flags> {
  requested: Scope[];
  portNumber: number;
  timeoutSeconds: number;
}

/** `login`'s command line to its options. */
export function parse(argv: string[], io: Io): LoginOptions {
  const { values } = parseFlags(spec, argv);
  return {
    ...values,
    portNumber: portFlag(values.port),
    timeoutSeconds: secondsFlag('--timeout', values.timeout, 300),
    requested: scopeFlag(values.scope ?? DEFAULT_LOGIN_SCOPES, io),
  };
}

/** The login did not finish in time. */
export class LoginTimeoutError extends StravaAuthError {
  constructor(seconds: number) {
    super(`No answer from Strava's consent page within ${seconds} seconds.`, {
      code: 'login_timeout',
      remedy: 'Run strava-auth login again and finish in the browser (or use --no-browser and paste the address).',
    });
  }
}

/** Ctrl-C while waiting. */
class InterruptedError extends Error {}

interface Outcome {
  tokens: TokenSet;
  scopesKnown: boolean;
}

/** What {@link authorize} needs: the login's settings and the run's dependencies, as fields. */
interface AuthorizeContext {
  session: Session;
  deps: CommandDeps;
  options: LoginOptions;
  oauth: OAuthConfig;
  oauthBaseUrl: string;
  emulator: Awaited<ReturnType<Session['endpoints']>>['emulator'];
}

/**
 * One authorization, from the callback server starting to the code exchanged: the first
 * callback (or pasted address) that settles it wins; a forged or stale one is answered and
 * ignored. `interrupt` (Ctrl-C) ends it with its reason, and so does `deadline` (epoch ms) with a
 * LoginTimeoutError; the authorize-URL check gets what is left of it as its own bound.
 * Everything it starts is stopped, once, before it returns.
 */
async function authorize(context: AuthorizeContext, interrupt: AbortSignal, deadline: number): Promise<Outcome> {
  const { session, deps, options, oauth, oauthBaseUrl, emulator } = context;
  const { io } = session;
  const stops: Array<() => unknown> = [];
  const expired = new AbortController();
  const signal = AbortSignal.any([interrupt, expired.signal]);
  let settle: { resolve(outcome: Outcome): void; reject(error: unknown): void } | undefined;
  const answer = new Promise<Outcome>((resolve, reject) => (settle = { resolve, reject }));
  answer.catch(() => {}); // awaited below, unless the start-up fails first
  const finish = (outcome: { tokens: TokenSet; scopesKnown: boolean } | { error: unknown }) => {
    const pending = settle;
    settle = undefined;
    if ('error' in outcome) pending?.reject(outcome.error);
    else pending?.resolve(outcome);
  };
  const onAbort = () => finish({ error: signal.reason });
  signal.addEventListener('abort', onAbort, { once: true });
  stops.push(() => signal.removeEventListener('abort', onAbort));

  let request: AuthorizationRequest | undefined;
  // One path for the loopback callback and for a pasted address: check, exchange, answer.
  const handle = async (callback: URL | string, bareCode?: string): Promise<CallbackReply> => {
    if (!settle || !request) return { status: 409, html: errorPage('Already handled', 'This login already received its answer.') };
    let result: CallbackResult;
    try {
      // A bare code says nothing of the grant: assume what was asked (read is always granted).
      result = bareCode ? { code: bareCode, scopes: normalizeScopes(['read', ...request.scopes]), missingScopes: [] } : request.complete(callback);
    } catch (error) {
      if (error instanceof StateMismatchError) {
        // Keep waiting: a forged or stale callback must not end (or hijack) the real login.
        session.warn('ignored a callback whose state does not match this login (forged, or from an older login); still waiting.');
        return { status: 400, html: errorPage('Login refused', error.message) };
      }
      finish({ error });
      return { status: 400, html: errorPage('Login failed', error instanceof Error ? error.message : String(error)) };
    }
    const pending = settle;
    settle = undefined; // a second callback is "already handled" while this one exchanges
    session.redactor.add(result.code);
    try {
      const tokens = await exchangeCode(oauth, result.code, { scopes: result.scopes });
      pending.resolve({ tokens, scopesKnown: !bareCode });
      return { status: 200, html: successPage(athleteName(tokens), tokens.scopes, result.missingScopes) };
    } catch (error) {
      pending.reject(error);
      return { status: 400, html: errorPage('Login failed', error instanceof Error ? error.message : String(error)) };
    }
  };

  try {
    const server = await startLoopbackServer(options.portNumber, (url) => handle(url));
    stops.push(() => server.close());
    request = AuthorizationRequest.create({
      clientId: oauth.clientId,
      redirectUri: server.redirectUri,
      scopes: options.requested,
      approvalPrompt: options.force ? 'force' : 'auto',
      baseUrl: oauthBaseUrl,
    });
    // Strava shows a bad client id or redirect URI as JSON in the browser and never calls back;
    // look first, so the terminal can say so instead of waiting forever.
    const { timeoutMs } = limitsWithin({ timeoutMs: oauth.requestTimeoutMs }, deadline - Date.now());
    await Promise.race([checkAuthorizeUrl(request.url, { ...oauth, requestTimeoutMs: timeoutMs }, signal), answer]).catch((error: unknown) => {
      throw signal.aborted ? signal.reason : error;
    });
    const timer = setTimeout(() => expired.abort(new LoginTimeoutError(options.timeoutSeconds)), Math.max(0, deadline - Date.now()));
    stops.push(() => clearTimeout(timer));

    const url = request.url.toString();
    const noBrowser = options['no-browser'] ?? false;
    const opened = noBrowser ? false : await (deps.openBrowser ?? openBrowser)(url, io.env);
    if (opened) {
      io.stderr.write(`Opened Strava's consent page in your browser${emulator ? ' (the built-in emulator)' : ''}.\n`);
    } else if (emulator && !noBrowser) {
      // Nobody can click on a headless machine: the emulator's athlete approves, through the
      // same consent page and redirect a browser would follow.
      io.stderr.write("No browser to open: the emulator's demo athlete approves the consent page for you.\n");
      emulator.setConsent({ policy: 'approve' });
      stops.push(() => emulator.setConsent(null));
      void (deps.fetch ?? fetch)(url).catch((error: unknown) => finish({ error }));
    } else {
      io.stderr.write(`${noBrowser ? '' : 'Could not open a browser. '}Open this URL in a browser to log in:\n\n  ${url}\n\n`);
      io.stderr.write(`After "Authorize", paste the address the browser lands on (or just its code) here.\n`);
      const lines = readLines(io, (line) => {
        const bare = /^[A-Za-z0-9]+$/.test(line) ? line : undefined;
        void handle(bare ? '' : line, bare).then((reply) => {
          if (reply.status === 400 && settle) io.stderr.write("Paste the address from this login's browser tab.\n");
        });
      });
      stops.push(() => lines.stop());
    }
    const spinner = startSpinner(io, 'Waiting for the authorization in the browser (Ctrl-C to cancel)…');
    stops.unshift(() => spinner.stop());
    return await answer;
  } finally {
    for (const stop of stops) await stop();
  }
}

/** An AbortSignal that Ctrl-C aborts (unless the caller passed its own), and how to let go of it. */
function interruption(deps: CommandDeps): { signal: AbortSignal; release(): void } {
  if (deps.signal) return { signal: deps.signal, release() {} };
  const controller = new AbortController();
  const onSigint = () => controller.abort(new InterruptedError());
  process.once('SIGINT', onSigint);
  return { signal: controller.signal, release: () => process.off('SIGINT', onSigint) };
}

async function run(options: LoginOptions, deps: CommandDeps): Promise<number> {
  return withSession(deps, options, async (session) => {
    await session.assertTokensStorable();
    const oauth = await session.oauthConfig({ prompt: true });
    const credentials = await session.credentials();
    const { oauthBaseUrl, emulator } = await session.endpoints();
    // --timeout counts from here (after any prompt for credentials), the pre-check included.
    const deadline = Date.now() + options.timeoutSeconds * 1000;
    const interrupt = interruption(deps);
    let outcome: Outcome;
    try {
      outcome = await authorize({ session, deps, options, oauth, oauthBaseUrl, emulator }, interrupt.signal, deadline);
    } catch (error) {
      if (!(error instanceof InterruptedError) && !(interrupt.signal.aborted && error === interrupt.signal.reason)) throw error;
      session.io.stderr.write('\nLogin cancelled; nothing was stored.\n');
      return EXIT.interrupted;
    } finally {
      interrupt.release();
    }
    return saveLogin(session, outcome.tokens, { requested: options.requested, credentials, json: options.json ?? false, scopesKnown: outcome.scopesKnown });
  });
}

export const command: Command<LoginOptions> = { spec, parse, run };

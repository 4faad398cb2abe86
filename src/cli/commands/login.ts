import { AuthorizationRequest } from '../../core/authorization-request.ts';
import { StateMismatchError } from '../../core/errors/state-mismatch-error.ts';
import { StravaAuthError } from '../../core/errors/strava-auth-error.ts';
import { exchangeCode } from '../../core/token-endpoint.ts';
import { limitsWithin } from '../../core/request-limits.ts';
import { normalizeScopes, type Scope } from '../../core/scopes.ts';
import { type CallbackResult } from '../../core/callback.ts';
import { type TokenSet } from '../../core/token-set.ts';
import { parseCommandArgs } from '../args.ts';
import { openBrowser } from '../browser.ts';
import { portFlag, scopeFlag, secondsFlag } from '../flag-values.ts';
import { EXIT, EXIT_CODES_HELP } from '../exit-codes.ts';
import { startLoopbackServer, type CallbackReply } from '../loopback-server.ts';
import type { Command } from '../main.ts';
import { errorPage, successPage } from '../pages.ts';
import { readLines } from '../prompt.ts';
import { athleteName, saveLogin } from '../save-login.ts';
import { withSession } from '../with-session.ts';
import { startSpinner } from '../style.ts';
import { checkAuthorizeUrl } from '../check-authorize-url.ts';

/** What `login` asks for when `--scope` is not given: the athlete's profile and all their activities. */
export const DEFAULT_LOGIN_SCOPES = 'read,activity:read_all';

const HELP = `Usage: strava-auth login [--scope LIST] [--force] [--no-browser] [--port N] [--profile NAME] [--emulator]

Logs in to Strava in the browser and stores the tokens for this profile. A one-shot server on
127.0.0.1 receives Strava's redirect; nothing is reachable from the network.

Flags:
  -s, --scope LIST     scopes to ask for, comma or space separated (default: ${DEFAULT_LOGIN_SCOPES});
                       see strava-auth scopes
  -f, --force          always show Strava's consent page (needed to add scopes)
      --no-browser     print the URL instead of opening a browser (SSH, headless machines),
                       then paste the address you land on, or just its code
      --port N         port of the local callback server (default: a free one)
      --timeout SECS   give up after SECS seconds (default 300)
      --json           print the result as JSON on stdout
  -p, --profile NAME   profile to log in (default: $STRAVA_PROFILE or "default")
      --emulator       log in to the built-in Strava emulator (no Strava account needed)

The client id and secret come from STRAVA_CLIENT_ID / STRAVA_CLIENT_SECRET, ./.env, or the
profile; on a terminal, login asks for them and saves them (mode 0600).

Examples:
  strava-auth login --emulator
  strava-auth login --scope activity:write,activity:read_all
  strava-auth login --no-browser --profile work

${EXIT_CODES_HELP}
`;

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
  callback: CallbackResult;
  scopesKnown: boolean;
}

export const command: Command = {
  summary: 'Log in to Strava in the browser and store the tokens',
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, {
      scope: { type: 'string', short: 's' },
      force: { type: 'boolean', short: 'f' },
      'no-browser': { type: 'boolean' },
      port: { type: 'string' },
      timeout: { type: 'string' },
      json: { type: 'boolean' },
    }, HELP);
    // Everything the person typed is checked before anything is sent (exit 2).
    const port = portFlag(values.port);
    const timeoutSeconds = secondsFlag('--timeout', values.timeout, 300);
    const requested = scopeFlag(values.scope ?? DEFAULT_LOGIN_SCOPES, io);
    return withSession(io, values, async (session) => {
      try {
        await session.assertTokensStorable();
        const oauth = await session.oauthConfig({ prompt: true });
        const credentials = await session.credentials();
        const { oauthBaseUrl, emulator } = await session.endpoints();

        let settle!: { resolve: (o: Outcome) => void; reject: (e: unknown) => void };
        const done = new Promise<Outcome>((resolve, reject) => (settle = { resolve, reject }));
        done.catch(() => {}); // settled early (Ctrl-C during the checks) is handled where it is awaited
        let request!: AuthorizationRequest;
        let finishing = false;

        // One path for the loopback callback and for a pasted address: check, exchange, answer.
        const handle = async (callback: URL | string, bareCode?: string): Promise<CallbackReply> => {
          if (finishing) return { status: 409, html: errorPage('Already handled', 'This login already received its answer.') };
          let result: CallbackResult;
          try {
            // A bare code says nothing of the grant: assume what was asked (read is always granted).
            result = bareCode ? { code: bareCode, scopes: normalizeScopes(['read', ...request.scopes]), missingScopes: [] } : request.complete(callback);
          } catch (error) {
            if (error instanceof StateMismatchError) {
              // Keep waiting: a forged or stale callback must not end (or hijack) the real login.
              io.stderr.write(`${session.style.yellow('warning:')} ignored a callback whose state does not match this login (forged, or from an older login); still waiting.\n`);
              return { status: 400, html: errorPage('Login refused', error.message) };
            }
            finishing = true;
            settle.reject(error);
            return { status: 400, html: errorPage('Login failed', error instanceof Error ? error.message : String(error)) };
          }
          finishing = true;
          session.redactor.add(result.code);
          try {
            const tokens = await exchangeCode(oauth, result.code, { scopes: result.scopes });
            settle.resolve({ tokens, callback: result, scopesKnown: !bareCode });
            return { status: 200, html: successPage(athleteName(tokens), tokens.scopes, result.missingScopes) };
          } catch (error) {
            settle.reject(error);
            return { status: 400, html: errorPage('Login failed', error instanceof Error ? error.message : String(error)) };
          }
        };

        // --timeout counts from here (after any prompt for credentials), the pre-check included.
        const deadline = Date.now() + timeoutSeconds * 1000;
        // Ctrl-C from here on ends the wait cleanly: the server closes and nothing is stored.
        const interrupt = new AbortController();
        const onSigint = () => {
          interrupt.abort(); // ends the authorize-URL check too, if it is still waiting
          settle.reject(new InterruptedError());
        };
        process.once('SIGINT', onSigint);
        const server = await startLoopbackServer(port, (url) => handle(url)).catch((error: unknown) => {
          process.off('SIGINT', onSigint);
          throw error;
        });
        request = AuthorizationRequest.create({
          clientId: oauth.clientId,
          redirectUri: server.redirectUri,
          scopes: requested,
          approvalPrompt: values.force ? 'force' : 'auto',
          baseUrl: oauthBaseUrl,
        });
        const cleanups: Array<() => unknown> = [() => server.close(), () => process.off('SIGINT', onSigint)];
        try {
          // Strava shows a bad client id or redirect URI as JSON in the browser and never calls
          // back; look first, so the terminal can say so instead of waiting forever.
          const { timeoutMs } = limitsWithin({ timeoutMs: oauth.requestTimeoutMs }, deadline - Date.now());
          await checkAuthorizeUrl(request.url, { ...oauth, requestTimeoutMs: timeoutMs }, interrupt.signal).catch((error: unknown) => {
            throw interrupt.signal.aborted ? new InterruptedError() : error;
          });

          const url = request.url.toString();
          const opened = values['no-browser'] ? false : await openBrowser(url, io.env);
          let paste = false;
          if (opened) {
            io.stderr.write(`Opened Strava's consent page in your browser${emulator ? ' (the built-in emulator)' : ''}.\n`);
          } else if (emulator && !values['no-browser']) {
            // Nobody can click on a headless machine: the emulator's athlete approves, through the
            // same consent page and redirect a browser would follow.
            io.stderr.write('No browser to open: the emulator\'s demo athlete approves the consent page for you.\n');
            emulator.setConsent({ policy: 'approve' });
            cleanups.push(() => emulator.setConsent(null));
            void fetch(url).catch((error: unknown) => settle.reject(error));
          } else {
            paste = true;
            io.stderr.write(`${values['no-browser'] ? '' : 'Could not open a browser. '}Open this URL in a browser to log in:\n\n  ${url}\n\n`);
            io.stderr.write(`After "Authorize", paste the address the browser lands on (or just its code) here.\n`);
          }
          if (paste || values['no-browser']) {
            const lines = readLines(io, (line) => {
              const bare = /^[A-Za-z0-9]+$/.test(line) ? line : undefined;
              void handle(bare ? '' : line, bare).then((reply) => {
                if (reply.status === 400 && !finishing) io.stderr.write('Paste the address from this login\'s browser tab.\n');
              });
            });
            cleanups.push(() => lines.stop());
          }
          const spinner = startSpinner(io, 'Waiting for the authorization in the browser (Ctrl-C to cancel)…');
          cleanups.unshift(() => spinner.stop());
          const timer = setTimeout(() => settle.reject(new LoginTimeoutError(timeoutSeconds)), Math.max(0, deadline - Date.now()));
          cleanups.push(() => clearTimeout(timer));

          const outcome = await done;
          for (const cleanup of cleanups.splice(0)) await cleanup();
          return await saveLogin(session, outcome.tokens, {
            requested,
            credentials,
            json: values.json ?? false,
            scopesKnown: outcome.scopesKnown,
          });
        } finally {
          for (const cleanup of cleanups) await cleanup();
        }
      } catch (error) {
        if (!(error instanceof InterruptedError)) throw error;
        io.stderr.write('\nLogin cancelled; nothing was stored.\n');
        return EXIT.interrupted;
      }
    });
  },
};

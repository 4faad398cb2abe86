import { join } from 'node:path';
import { joinUrl } from '../../core/endpoints.ts';
import { apiKeysFromEnv } from '../../server/api-keys.ts';
import { DEFAULT_CACHE_MS } from '../../server/fresh-cache.ts';
import { startNodeServer } from '../../server/node-runner.ts';
import { batchedWriter, jsonLog } from '../../server/service-log.ts';
import { createTokenService } from '../../server/token-service.ts';
import { webhookReceiver } from '../../server/webhook-routes.ts';
import { cipherFromEnv } from '../../tokens/cipher-from-env.ts';
import type { Command, CommandDeps } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { emulatorFlag, jsonFlag, profileFlag, type CommandSpec, type FlagValues } from '../flag-spec.ts';
import type { Io } from '../io.ts';
import { portFlag } from '../flag-values.ts';
import { parseFlags } from '../parse-flags.ts';
import { describeStoreSpec, parseStoreSpec, specSecrets } from '../store-spec.ts';
import { UsageError } from '../usage-error.ts';
import { withSession } from '../with-session.ts';
import { openServiceStores, type ServiceStores } from './serve/open-service-stores.ts';

export const spec = {
  name: 'serve',
  description: `Runs the token service for an app that many athletes connect to: athletes connect in the browser
(/connect, /callback), the app's backend gets fresh access tokens from the token API (/v1, with an
API key), Strava's webhooks mark revoked athletes (/webhook). Several replicas may share one
PostgreSQL database. SIGTERM finishes the requests under way, then exits 0.
A live API key and an athlete's token are answered from memory for --cache-ms after they are
read. On PostgreSQL (a direct or session-mode connection), replicas tell each other what they
revoke, and serve keys revoke tells them, so it holds at once; on SQLite, or behind a pooler in
transaction mode, another process's change is seen within --cache-ms.
API keys: strava-auth serve keys create|list|revoke (see strava-auth serve keys --help).`,
  flags: {
    port: { type: 'string', value: 'N', description: 'port to listen on (default 8080; 0 picks a free one)' },
    host: { type: 'string', value: 'H', description: 'address to listen on (default 127.0.0.1; anything else needs TLS in front)' },
    db: { type: 'string', value: 'STORE', description: 'sqlite:FILE (default <config dir>/serve.db) or postgres://USER@HOST/DB', complete: 'files' },
    'public-url': { type: 'string', value: 'URL', description: 'where browsers reach the service; Strava redirects to URL/callback (default: the listening address)' },
    'return-to': { type: 'string', multiple: true, value: 'URL', description: 'an address /connect?return_to= may send athletes back to (repeatable; any address under it is allowed)' },
    'forward-url': { type: 'string', value: 'URL', description: 'forward webhook events to your app, signed with HMAC-SHA256' },
    'forward-secret': { type: 'string', value: 'S', description: 'the signing secret (default: $STRAVA_AUTH_FORWARD_SECRET)' },
    'cache-ms': {
      type: 'string',
      value: 'MS',
      description: 'answer a live API key and a token read from the database from memory for MS ms (default 1000; 0: read on every request); bounds how long a change made elsewhere (serve keys revoke, another replica) goes unseen',
    },
    json: jsonFlag('print the listening address as one JSON line ({"url": ...})'),
    profile: profileFlag('profile whose client id and secret to use'),
    emulator: emulatorFlag('run against the built-in Strava emulator, in this process'),
  },
  more: `Routes:
  GET    /connect?scope=LIST[&return_to=URL]   send an athlete to Strava's consent page
  GET    /callback                            where Strava sends the athlete back
  GET    /v1/athletes/ID/token[?min_valid=S]  {"access_token","expires_at","scopes","athlete_id"}
  GET    /v1/athletes[?limit=N&after=ID]      connected athletes, with status and scopes
  GET    /v1/athletes/ID                      one athlete
  DELETE /v1/athletes/ID                      revoke at Strava, then forget
  GET    /healthz, /readyz, /metrics          liveness, store reachability, Prometheus metrics

Environment:
  STRAVA_CLIENT_ID, STRAVA_CLIENT_SECRET   your API application
  STRAVA_BASE_URL                          another Strava (the emulator, a proxy)
  STRAVA_AUTH_API_KEYS                     API keys, comma-separated (besides serve keys create)
  STRAVA_AUTH_ENCRYPTION_KEY               encrypt stored tokens (see strava-auth --help)
  STRAVA_WEBHOOK_VERIFY_TOKEN              what Strava's subscription check must present
  STRAVA_WEBHOOK_SUBSCRIPTION_ID           the push subscription (default: asked of Strava)
  STRAVA_AUTH_FORWARD_SECRET               the secret forwarded events are signed with

Examples:
  strava-auth serve --emulator
  strava-auth serve keys create --label backend
  strava-auth serve --db postgres://app@db/app --host 0.0.0.0 --public-url https://tokens.example.com`,
} as const satisfies CommandSpec;

/** What `serve` was asked, checked before anything starts. */
export interface ServeOptions extends FlagValues<typeof spec.flags> {
  portNumber: number;
  cacheMsNumber: number;
  publicUrlChecked: string | undefined;
  forwardUrlChecked: string | undefined;
  returnToChecked: string[];
}

function parseUrl(text: string | undefined, flag: string): string | undefined {
  if (text === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${flag} takes an absolute http(s) URL; got "${text}".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${flag} takes an http(s) URL; got "${text}".`);
  return url.href.replace(/\/$/, '');
}

/** `--cache-ms`: whole milliseconds up to a minute (longer would hide a revoked key for too long). */
function cacheMsFlag(value: string | undefined): number {
  if (value === undefined) return DEFAULT_CACHE_MS;
  const ms = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(ms >= 0 && ms <= MAX_CACHE_MS)) throw new UsageError(`--cache-ms takes whole milliseconds from 0 (no cache) to ${MAX_CACHE_MS}, e.g. --cache-ms 250; got ${JSON.stringify(value)}.`);
  return ms;
}

const MAX_CACHE_MS = 60_000;

/** Waits for SIGTERM or SIGINT; resolves with the signal. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      resolve(signal);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}

/** `serve`'s command line to its options: ports and URLs checked before anything starts. */
export function parseServe(argv: string[]): ServeOptions {
  const { values } = parseFlags(spec, argv);
  return {
    ...values,
    portNumber: values.port === undefined ? 8080 : portFlag(values.port),
    cacheMsNumber: cacheMsFlag(values['cache-ms']),
    publicUrlChecked: parseUrl(values['public-url'], '--public-url'),
    forwardUrlChecked: parseUrl(values['forward-url'], '--forward-url'),
    returnToChecked: (values['return-to'] ?? []).map((url) => parseUrl(url, '--return-to')!),
  };
}

async function serve(values: ServeOptions, deps: CommandDeps): Promise<number> {
  const { io } = deps;
  const port = values.portNumber;
  const host = values.host ?? '127.0.0.1';
  const publicUrl = values.publicUrlChecked;
  const forwardUrl = values.forwardUrlChecked;
  const returnTo = values.returnToChecked;
  return withSession(deps, values, async (session) => {
    const spec = parseStoreSpec(values.db ?? `sqlite:${join(session.configDir, 'serve.db')}`, io.cwd);
    const apiKeys = apiKeysFromEnv(io.env.STRAVA_AUTH_API_KEYS);
    const forwardSecret = values['forward-secret'] ?? io.env.STRAVA_AUTH_FORWARD_SECRET;
    const verifyToken = io.env.STRAVA_WEBHOOK_VERIFY_TOKEN;
    // Never printed, whatever a message quotes: the database password, API keys, webhook secrets.
    for (const secret of [...specSecrets(spec), ...apiKeys, forwardSecret, verifyToken]) io.redactor?.add(secret);
    const oauth = await session.oauthConfig();
    const { oauthBaseUrl, apiBaseUrl, emulator } = await session.endpoints();
    const logWriter = batchedWriter((text) => io.stderr.write(text));
    const log = jsonLog(logWriter.write);
    let stores: ServiceStores | undefined;
    try {
      stores = await openServiceStores(spec, { cipher: await cipherFromEnv(io.env), warn: (message) => log('warn', message) });
      let listening = '';
      const subscription = io.env.STRAVA_WEBHOOK_SUBSCRIPTION_ID;
      const service = createTokenService({
        store: stores.store,
        serviceStore: stores.serviceStore,
        oauth: { clientId: oauth.clientId, clientSecret: oauth.clientSecret, baseUrl: oauthBaseUrl },
        apiBaseUrl,
        publicUrl: () => publicUrl ?? listening,
        apiKeys,
        allowedReturnTo: returnTo,
        cacheMs: values.cacheMsNumber,
        log,
        webhookRoutes: webhookReceiver,
        webhooks: {
          ...(verifyToken ? { verifyToken } : {}),
          ...(subscription && /^\d+$/.test(subscription) ? { subscriptionId: Number(subscription) } : {}),
          ...(forwardUrl ? { forwardUrl } : {}),
          ...(forwardSecret ? { forwardSecret } : {}),
        },
      });
      const running = await startNodeServer(service, { host, port, ...(publicUrl ? { publicUrl } : {}), log: (line) => log('warn', line) });
      listening = running.url;
      const stopped = untilSignal();
      io.stdout.write(values.json ? `${JSON.stringify({ url: running.url, public_url: publicUrl ?? running.url, db: describeStoreSpec(spec) })}\n` : `listening on ${running.url}\n`);
      if (!publicUrl && !['127.0.0.1', 'localhost', '::1'].includes(host)) {
        log('warn', `bound to ${host} without --public-url: Strava will send athletes back to ${running.url}/callback, which their browsers may not reach; pass --public-url (https) as browsers see the service`);
      }
      log('info', 'serving', {
        url: running.url,
        public_url: publicUrl ?? running.url,
        db: describeStoreSpec(spec),
        strava: emulator ? `emulator ${joinUrl(emulator.url, '/')}` : oauthBaseUrl,
      });
      const signal = await stopped;
      log('info', 'draining', { signal });
      await running.close();
      await service.idle();
      log('info', 'stopped', {});
      return EXIT.ok;
    } finally {
      await stores?.close();
      logWriter.flush();
    }
  });
}

/** The options of `serve` itself, or of `serve keys ...`. */
type ServeCommandOptions = { keys: false; serve: ServeOptions } | { keys: true; argv: string[] };

export const command: Command<ServeCommandOptions> = {
  spec,
  parse: (argv) => (argv[0] === 'keys' ? { keys: true, argv: argv.slice(1) } : { keys: false, serve: parseServe(argv) }),
  async run(options, deps) {
    if (!options.keys) return serve(options.serve, deps);
    const { keysCommand } = await import('./serve/keys.ts');
    return keysCommand.run(keysCommand.parse(options.argv), deps);
  },
  nested: [['keys', 'API keys of the token service: create, list or revoke', () => import('./serve/keys.ts').then((m) => m.spec)]],
};

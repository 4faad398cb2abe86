/**
 * Helpers for tests of `strava-auth serve` in-process: a token service on real SQLite, served
 * over real HTTP on 127.0.0.1, talking to a real emulator; and the connect flow a browser follows.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { Emulator } from '../../src/emulator/index.ts';
import { SqliteServiceStore } from '../../src/sqlite/sqlite-service-store.ts';
import { SqliteStore } from '../../src/sqlite/sqlite-store.ts';
import { startNodeServer, type RunningServer } from '../../src/server/node-runner.ts';
import { jsonLog } from '../../src/server/service-log.ts';
import { createTokenService, type TokenService, type TokenServiceOptions } from '../../src/server/token-service.ts';
import type { ServiceStore } from '../../src/server/service-store.ts';
import type { TokenStore } from '../../src/tokens/token-store.ts';

/** The API key every test service accepts. */
export const TEST_API_KEY = 'test-key-0123456789';

export interface TestService {
  url: string;
  service: TokenService;
  store: SqliteStore;
  serviceStore: SqliteServiceStore;
  running: RunningServer;
  dbPath: string;
  /** Every log line the service wrote. */
  logs: string[];
  /** GET a path of the token API with the test key. */
  api(path: string, init?: RequestInit): Promise<Response>;
}

/** A fresh database file in a temporary directory, removed after the test. */
export async function tempDatabase(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'strava-auth-serve-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'service.db');
}

/** A service over any stores, served on 127.0.0.1: what every test service is. */
export type ServedStores = Omit<TestService, 'store' | 'serviceStore' | 'dbPath'>;

/** Serves a token service on `store` and `serviceStore` against `emu`, with the emulator's clock. */
export async function serveStores(
  t: TestContext,
  emu: Emulator,
  stores: { store: TokenStore; serviceStore: ServiceStore },
  overrides: Partial<TokenServiceOptions> = {},
): Promise<ServedStores> {
  const logs: string[] = [];
  let url = '';
  const service = createTokenService({
    ...stores,
    oauth: { clientId: emu.clientId, clientSecret: emu.clientSecret, baseUrl: emu.url },
    clock: emu.clock,
    publicUrl: () => url,
    apiKeys: [TEST_API_KEY],
    log: jsonLog((line) => logs.push(line), emu.clock),
    ...overrides,
  });
  const running = await startNodeServer(service);
  url = running.url;
  t.after(() => running.close(0));
  return {
    url,
    service,
    running,
    logs,
    api: (path, init = {}) => fetch(`${url}${path}`, { ...init, headers: { authorization: `Bearer ${TEST_API_KEY}`, ...init.headers } }),
  };
}

/** Starts a service on SQLite file `dbPath` (a new one by default) against `emu`. */
export async function startTestService(
  t: TestContext,
  emu: Emulator,
  options: { dbPath?: string; overrides?: Partial<TokenServiceOptions> } = {},
): Promise<TestService> {
  const dbPath = options.dbPath ?? (await tempDatabase(t));
  const store = new SqliteStore({ path: dbPath });
  const serviceStore = new SqliteServiceStore({ path: dbPath });
  await store.open();
  await serviceStore.open();
  const served = await serveStores(t, emu, { store, serviceStore }, options.overrides);
  t.after(async () => {
    await served.running.close(0); // the server stops before its stores close
    store.close();
    await serviceStore.close();
  });
  return { ...served, store, serviceStore, dbPath };
}

/**
 * What a browser does for a connect, without a browser: GET /connect, follow the redirect to the
 * emulator (whose consent policy answers), and GET the callback it redirects to. Returns the
 * callback's response (a page, or a redirect to return_to) and the callback URL.
 */
export async function connectAthlete(
  serviceUrl: string,
  emu: Emulator,
  options: { scope?: string; athleteId?: number; untick?: string[]; deny?: boolean; returnTo?: string; callbackOrigin?: string } = {},
): Promise<{ response: Response; callbackUrl: URL }> {
  const connect = new URL(`${serviceUrl}/connect`);
  connect.searchParams.set('scope', options.scope ?? 'read,activity:read_all');
  if (options.returnTo) connect.searchParams.set('return_to', options.returnTo);
  const start = await fetch(connect, { redirect: 'manual' });
  if (start.status !== 302) throw new Error(`GET /connect answered ${start.status}: ${await start.text()}`);
  emu.setConsent({
    policy: options.deny ? 'deny' : 'approve',
    ...(options.untick ? { untick: options.untick } : {}),
    ...(options.athleteId ? { athleteId: options.athleteId } : {}),
  });
  const consent = await fetch(start.headers.get('location')!, { redirect: 'manual' });
  if (consent.status !== 302) throw new Error(`The emulator answered ${consent.status}: ${await consent.text()}`);
  const callbackUrl = new URL(consent.headers.get('location')!);
  if (options.callbackOrigin) {
    const other = new URL(options.callbackOrigin);
    callbackUrl.host = other.host;
  }
  return { response: await fetch(callbackUrl, { redirect: 'manual' }), callbackUrl };
}

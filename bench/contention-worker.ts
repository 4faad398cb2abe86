/**
 * One process of the contention bench. Waits for `go` on stdin, then makes `callers` concurrent
 * `getAccessToken()`-style calls and prints one JSON line: how many callers got a token, the
 * distinct tokens, and the errors.
 *
 * - `strava-auth`: a TokenManager over the shared FileStore.
 * - `each-caller`: what strava-v3 (and stravalib) users write: read the saved tokens, and when
 *   they are expired call `strava.oauth.refreshToken(refresh_token)` and save the answer. This
 *   runs the real strava-v3 package, its HTTP routed to the emulator by an axios interceptor.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { ManualClock } from '../src/core/clock.ts';
import { FileStore } from '../src/node/file-store.ts';
import { TokenManager } from '../src/tokens/token-manager.ts';

export interface ContentionWorkerConfig {
  mode: 'strava-auth' | 'each-caller';
  /** FileStore directory (strava-auth) or the JSON file of the tokens (each-caller). */
  path: string;
  callers: number;
  emulatorUrl: string;
  clientId: number;
  clientSecret: string;
  /** The emulator's time at spawn; this process's clock runs on from there. */
  nowMs: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as ContentionWorkerConfig;
const clock = new ManualClock({ start: config.nowMs });
const MARGIN_SECONDS = 300;

function stravaV3GetAccessToken(): () => Promise<string> {
  const require = createRequire(import.meta.url);
  const strava = require('strava-v3') as { config(c: Record<string, string>): void; oauth: { refreshToken(token: string): Promise<Record<string, any>> } };
  const { axiosInstance } = require('strava-v3/axiosUtility.js') as {
    axiosInstance: { interceptors: { request: { use(f: (c: { url?: string; proxy?: unknown }) => unknown): void } } };
  };
  axiosInstance.interceptors.request.use((request) => {
    if (request.url?.startsWith('https://www.strava.com')) {
      request.url = config.emulatorUrl + request.url.slice('https://www.strava.com'.length);
      request.proxy = false;
    }
    return request;
  });
  strava.config({ client_id: String(config.clientId), client_secret: config.clientSecret, access_token: '', redirect_uri: 'http://localhost' });
  return async () => {
    const saved = JSON.parse(await readFile(config.path, 'utf8')) as { access_token: string; refresh_token: string; expires_at: number };
    if (saved.expires_at - clock.now() / 1000 > MARGIN_SECONDS) return saved.access_token;
    const fresh = await strava.oauth.refreshToken(saved.refresh_token);
    await writeFile(config.path, JSON.stringify({ access_token: fresh.access_token, refresh_token: fresh.refresh_token, expires_at: fresh.expires_at }));
    return fresh.access_token as string;
  };
}

function stravaAuthGetAccessToken(): () => Promise<string> {
  const manager = new TokenManager({
    store: new FileStore({ dir: config.path, warn: () => {} }),
    key: 'default',
    oauth: { clientId: config.clientId, clientSecret: config.clientSecret, baseUrl: config.emulatorUrl },
    clock,
    marginSeconds: MARGIN_SECONDS,
  });
  return () => manager.getAccessToken();
}

const getAccessToken = config.mode === 'strava-auth' ? stravaAuthGetAccessToken() : stravaV3GetAccessToken();
const lines = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
for await (const line of lines) if (line.trim() === 'go') break;
lines.close();
const results = await Promise.allSettled(Array.from({ length: config.callers }, () => getAccessToken()));
const tokens = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason instanceof Error ? r.reason.message.slice(0, 120) : String(r.reason)] : []));
process.stdout.write(`${JSON.stringify({ ok: tokens.length, tokens: [...new Set(tokens)], errors })}\n`);

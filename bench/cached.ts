/**
 * Cached-path bench: getAccessToken() calls per second when the stored token is fresh (no
 * refresh), from a warm FileStore and from a MemoryStore. Every call reads the store (the store
 * is the only cache, so a refresh or logout by another process is seen at once); the FileStore
 * figure is therefore the cost of reading and validating one small JSON file. The encrypted
 * FileStore adds opening the sealed tokens (the cipher remembers what it opened, so a file that
 * has not changed skips WebCrypto).
 *
 * Run: ./node_modules/.bin/node bench/cached.ts [seconds per case]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AthleteSummary } from '../src/core/token-set.ts';
import { startEmulator } from '../src/emulator/index.ts';
import { FileStore } from '../src/node/file-store.ts';
import { AesGcmCipher } from '../src/tokens/aes-gcm-cipher.ts';
import { MemoryStore } from '../src/tokens/memory-store.ts';
import { TokenManager, importableToData } from '../src/tokens/token-manager.ts';
import type { TokenStore } from '../src/tokens/token-store.ts';

const SECONDS = Number(process.argv[2] ?? 2);

interface Row {
  name: string;
  calls: number;
  ms: number;
}

/** Calls `fn` `parallel` at a time for `SECONDS`, after a warm-up; counts completed calls. */
async function measure(name: string, fn: () => Promise<unknown>, parallel: number): Promise<Row> {
  for (let i = 0; i < 2000; i++) await fn();
  let calls = 0;
  const start = performance.now();
  const deadline = start + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (performance.now() < deadline) {
        await fn();
        calls++;
      }
    }),
  );
  return { name, calls, ms: performance.now() - start };
}

const emu = await startEmulator();
const dir = await mkdtemp(join(tmpdir(), 'strava-auth-bench-'));
try {
  const response = emu.issueTokens({ scopes: ['activity:read_all'] });
  const tokens = importableToData({
    access_token: response.access_token,
    refresh_token: response.refresh_token,
    expires_at: response.expires_at,
    scope: 'read,activity:read_all',
    athlete: response.athlete as unknown as AthleteSummary, // a record as a login leaves it
  });
  const oauth = { clientId: emu.clientId, clientSecret: emu.clientSecret, baseUrl: emu.url, clock: emu.clock };
  const managerOver = async (store: TokenStore) => {
    await store.set('default', { tokens, updatedAt: Date.now() });
    return new TokenManager({ store, key: 'default', oauth });
  };
  const file = await managerOver(new FileStore({ dir, warn: () => {} }));
  const cipher = await AesGcmCipher.create({ key: globalThis.crypto.getRandomValues(new Uint8Array(32)) });
  const sealed = await managerOver(new FileStore({ dir: join(dir, 'sealed'), warn: () => {}, cipher }));
  const memory = await managerOver(new MemoryStore());
  const rows = [
    await measure('FileStore, one caller at a time', () => file.getAccessToken(), 1),
    await measure('FileStore, 50 concurrent callers', () => file.getAccessToken(), 50),
    await measure('FileStore encrypted, one caller at a time', () => sealed.getAccessToken(), 1),
    await measure('FileStore encrypted, 50 concurrent callers', () => sealed.getAccessToken(), 50),
    await measure('MemoryStore, one caller at a time', () => memory.getAccessToken(), 1),
    await measure('MemoryStore, 50 concurrent callers', () => memory.getAccessToken(), 50),
  ];
  const refreshes = emu.stats().grants.refresh_token;
  console.log(`Cached path: getAccessToken() with a fresh token, ${SECONDS} s per case (Node ${process.version})`);
  const width = Math.max(...rows.map((r) => r.name.length));
  console.log(`${''.padEnd(width)}  ${'calls/s'.padStart(10)}  ${'µs/call'.padStart(8)}`);
  for (const row of rows) {
    const perSecond = (row.calls / row.ms) * 1000;
    console.log(`${row.name.padEnd(width)}  ${Math.round(perSecond).toLocaleString('en-US').padStart(10)}  ${((row.ms * 1000) / row.calls).toFixed(1).padStart(8)}`);
  }
  console.log(`Refreshes during the bench: ${refreshes} (expected 0)`);
} finally {
  await emu.close();
  await rm(dir, { recursive: true, force: true });
}

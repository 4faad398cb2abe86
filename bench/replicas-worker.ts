/**
 * One replica of the replicas bench. Opens the shared store (or, for the baseline, a store of its
 * own seeded with the same tokens), waits for `go` on stdin, then has `callers` concurrent callers
 * take athletes from the list one after another and ask for each one's access token. Prints one
 * JSON line: how many calls got a token, and the errors.
 */
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { ManualClock } from '../src/core/clock.ts';
import { PostgresStore } from '../src/postgres/postgres-store.ts';
import { SqliteStore } from '../src/sqlite/sqlite-store.ts';
import { MemoryStore } from '../src/tokens/memory-store.ts';
import { TokenManager } from '../src/tokens/token-manager.ts';
import type { StoredTokens, TokenStore } from '../src/tokens/token-store.ts';

export interface ReplicaConfig {
  /** `sqlite:PATH`, `postgres:URL#schema`, or `own:SEED.json` (the baseline: a store per process). */
  store: string;
  athletes: number[];
  callers: number;
  emulatorUrl: string;
  clientId: number;
  clientSecret: string;
  /** The emulator's time at spawn; this process's clock runs on from there. */
  nowMs: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as ReplicaConfig;

async function openStore(spec: string): Promise<{ store: TokenStore; close(): Promise<void> }> {
  if (spec.startsWith('sqlite:')) {
    const store = new SqliteStore({ path: spec.slice('sqlite:'.length), warn: () => {} });
    return { store, close: async () => store.close() };
  }
  if (spec.startsWith('postgres:')) {
    const [connectionString, schema] = spec.slice('postgres:'.length).split('#');
    // 8 replicas x 8 connections stay well under PostgreSQL's default max_connections (100).
    const store = new PostgresStore({ connectionString: connectionString!, maxConnections: 8 }, { schema });
    return { store, close: () => store.close() };
  }
  // The baseline: every process keeps its own copy of the tokens, as an app without a shared lock does.
  const seed = JSON.parse(await readFile(spec.slice('own:'.length), 'utf8')) as Record<string, StoredTokens>;
  const store = new MemoryStore();
  for (const [key, value] of Object.entries(seed)) await store.set(key, value);
  return { store, close: async () => {} };
}

const { store, close } = await openStore(config.store);
const clock = new ManualClock({ start: config.nowMs });
const oauth = { clientId: config.clientId, clientSecret: config.clientSecret, baseUrl: config.emulatorUrl };
const managers = new Map(config.athletes.map((id) => [id, new TokenManager({ store, key: String(id), oauth, clock })]));

const lines = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
for await (const line of lines) if (line.trim() === 'go') break;

let next = 0;
let ok = 0;
const errors: string[] = [];
await Promise.all(
  Array.from({ length: config.callers }, async () => {
    while (next < config.athletes.length) {
      const id = config.athletes[next++]!;
      try {
        await managers.get(id)!.getAccessToken();
        ok++;
      } catch (error) {
        errors.push(`athlete ${id}: ${(error as Error).message}`);
      }
    }
  }),
);
process.stdout.write(`${JSON.stringify({ ok, errors })}\n`);
lines.close();
await close();

/**
 * Helpers for tests of the API side: a `StravaClient` on a real `TokenManager` (MemoryStore)
 * against a per-test emulator, whose `sleep` moves the emulator's clock instead of waiting, and
 * raw HTTP calls to `/api/v3` for the emulator's own tests.
 */
import type { TestContext } from 'node:test';
import type { Sleep } from '../../src/core/retry.ts';
import { StravaClient, type StravaClientOptions } from '../../src/client/strava-client.ts';
import type { Emulator, EmulatorOptions, TokenResponse } from '../../src/emulator/index.ts';
import { MemoryStore } from '../../src/tokens/memory-store.ts';
import { TokenManager } from '../../src/tokens/token-manager.ts';
import { startTestEmulator } from './emulator.ts';

/** A sleep that advances the emulator's clock by `ms` at once and records it. */
export function clockSleep(emu: Emulator, record: number[] = []): Sleep {
  return async (ms) => {
    record.push(ms);
    emu.clock.advance(ms / 1000);
  };
}

/** Everything a client test needs. */
export interface ClientFixture {
  emu: Emulator;
  client: StravaClient;
  manager: TokenManager;
  issued: TokenResponse;
  /** Every sleep the client asked for, in ms. */
  sleeps: number[];
}

/** Options of {@link clientFixture}. */
export interface ClientFixtureOptions {
  /** Scopes granted (besides `read`). */
  scopes: string[];
  athleteId?: number;
  emulator?: EmulatorOptions;
  client?: Partial<StravaClientOptions>;
  /** Start from this emulator instead of a new one. */
  emu?: Emulator;
}

/** An emulator, tokens for `scopes`, a TokenManager holding them, and a client using both. */
export async function clientFixture(t: TestContext, options: ClientFixtureOptions): Promise<ClientFixture> {
  const emu = options.emu ?? (await startTestEmulator(t, options.emulator));
  const issued = emu.issueTokens({ scopes: options.scopes, ...(options.athleteId !== undefined && { athleteId: options.athleteId }) });
  const manager = await TokenManager.fromTokens({
    oauth: { clientId: emu.clientId, clientSecret: emu.clientSecret, baseUrl: emu.url, clock: emu.clock },
    tokens: {
      access_token: issued.access_token,
      refresh_token: issued.refresh_token,
      expires_at: issued.expires_at,
      scope: ['read', ...options.scopes],
      athlete: { ...issued.athlete },
    },
    store: new MemoryStore(),
  });
  const sleeps: number[] = [];
  const client = new StravaClient({
    tokens: manager,
    apiBaseUrl: `${emu.url}/api/v3`,
    clock: emu.clock,
    sleep: clockSleep(emu, sleeps),
    ...options.client,
  });
  return { emu, client, manager, issued, sleeps };
}

/** A raw API answer. */
export interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

/** Calls `/api/v3<path>` with `Authorization: Bearer <token>` (no client in between). */
export async function api(emu: Emulator, token: string | undefined, method: string, path: string, body?: BodyInit): Promise<RawAnswer> {
  const response = await fetch(`${emu.url}/api/v3${path}`, {
    method,
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    ...(body !== undefined && { body }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    // not JSON: leave the text
  }
  return { status: response.status, headers: response.headers, text, body: parsed };
}

/** Strava's error JSON with one entry, as the exact text Strava sends. */
export function errorText(message: string, resource: string, field: string, code: string): string {
  return JSON.stringify({ message, errors: [{ resource, field, code }] });
}

/** Reads a fixture from test/fixtures/uploads. */
export function fixturePath(name: string): string {
  return new URL(`../fixtures/uploads/${name}`, import.meta.url).pathname;
}

import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Scope } from '../core/scopes.ts';
import { ensurePrivateDir, writeFileAtomic } from '../node/private-files.ts';

/**
 * An authorize URL printed by `strava-auth url`, remembered so that `strava-auth exchange` can
 * check the state of the address pasted back (once: it is deleted when used).
 */
export interface PendingAuthorization {
  state: string;
  scopes: Scope[];
  redirectUri: string;
  createdAt: number;
}

function pathOf(configDir: string, profile: string): string {
  return join(configDir, 'pending', `${profile}.json`);
}

export async function savePending(configDir: string, profile: string, pending: PendingAuthorization): Promise<void> {
  await ensurePrivateDir(join(configDir, 'pending'));
  await writeFileAtomic(pathOf(configDir, profile), `${JSON.stringify(pending)}\n`);
}

/** The pending authorization of the profile, or undefined (none, or unreadable: it is only a convenience). */
export async function readPending(configDir: string, profile: string): Promise<PendingAuthorization | undefined> {
  try {
    const value = JSON.parse(await readFile(pathOf(configDir, profile), 'utf8')) as PendingAuthorization;
    return typeof value.state === 'string' && Array.isArray(value.scopes) ? value : undefined;
  } catch {
    return undefined;
  }
}

export async function deletePending(configDir: string, profile: string): Promise<void> {
  await rm(pathOf(configDir, profile), { force: true });
}

import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { StravaAuthError } from '../core/errors/strava-auth-error.ts';
import { UsageError } from './usage-error.ts';
import { ensurePrivateDir, writeFileAtomic } from '../node/private-files.ts';

/** What a profile remembers besides its tokens: the app and which Strava it talks to. */
export interface ProfileConfig {
  clientId?: string;
  /** Saved only when typed at the login prompt (never copied from the environment). */
  clientSecret?: string;
  /** STRAVA_BASE_URL at login time, so later refreshes go to the same Strava. */
  baseUrl?: string;
  /** Logged in against the built-in emulator (`--emulator`). */
  emulator?: boolean;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** The profile a command works on: `--profile`, else `$STRAVA_PROFILE`, else `default`. */
export function profileName(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const name = flag ?? env.STRAVA_PROFILE ?? 'default';
  if (!NAME.test(name)) throw new UsageError(`"${name}" is not a valid profile name: use letters, digits, ".", "_" or "-" (at most 64).`);
  return name;
}

/** A profile file that cannot be read as a profile. Never overwritten silently. */
export class CorruptProfileError extends StravaAuthError {
  readonly path: string;
  constructor(path: string, what: string) {
    super(`The profile file ${path} is not valid: ${what}.`, {
      code: 'corrupt_profile',
      remedy: `Fix it by hand, or delete it and log in again (strava-auth login).`,
    });
    this.path = path;
  }
}

function profilePath(configDir: string, name: string): string {
  return join(configDir, 'profiles', `${name}.json`);
}

/** Reads a profile's settings; undefined when the profile has none yet. */
export async function readProfile(configDir: string, name: string): Promise<ProfileConfig | undefined> {
  const path = profilePath(configDir, name);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CorruptProfileError(path, `not JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new CorruptProfileError(path, 'expected a JSON object');
  const config = parsed as Record<string, unknown>;
  for (const key of ['clientId', 'clientSecret', 'baseUrl'] as const) {
    if (config[key] !== undefined && typeof config[key] !== 'string') throw new CorruptProfileError(path, `"${key}" must be a string`);
  }
  if (config.emulator !== undefined && typeof config.emulator !== 'boolean') throw new CorruptProfileError(path, '"emulator" must be true or false');
  return config as ProfileConfig;
}

/** Saves a profile's settings atomically, 0600 in a 0700 directory (it may hold the client secret). */
export async function writeProfile(configDir: string, name: string, config: ProfileConfig): Promise<void> {
  await ensurePrivateDir(join(configDir, 'profiles'));
  await writeFileAtomic(profilePath(configDir, name), `${JSON.stringify(config, null, 2)}\n`);
}

/** Forgets a profile's settings. */
export async function deleteProfile(configDir: string, name: string): Promise<void> {
  await rm(profilePath(configDir, name), { force: true });
}

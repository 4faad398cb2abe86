import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { StravaAuthError } from '../core/errors/strava-auth-error.ts';
import { UsageError } from './usage-error.ts';
import { ensurePrivateDir, readPrivateFile, syntaxErrorPlace, writeFileAtomic, type Warn } from '../node/private-files.ts';
import { InvalidTokenKeyError } from '../tokens/errors/invalid-token-key-error.ts';
import { assertTokenKey } from '../tokens/stored-tokens.ts';

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

/**
 * The profile a command works on: `--profile`, else `$STRAVA_PROFILE`, else `default`. Checked
 * with the token store's own rule (a profile name is its key), before anything is sent: a name
 * the store would refuse must not cost a whole login whose grant then cannot be kept.
 */
export function profileName(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const name = flag ?? env.STRAVA_PROFILE ?? 'default';
  try {
    assertTokenKey(name);
  } catch (error) {
    if (!(error instanceof InvalidTokenKeyError)) throw error;
    const from = flag === undefined && env.STRAVA_PROFILE !== undefined ? ' (from STRAVA_PROFILE)' : '';
    throw new UsageError(`${JSON.stringify(name)}${from} is not a valid profile name. ${error.remedy}`);
  }
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

/** The file of a profile's settings: `<config dir>/profiles/<name>.json`. */
export function profilePath(configDir: string, name: string): string {
  return join(configDir, 'profiles', `${name}.json`);
}

/**
 * Reads a profile's settings; undefined when the profile has none yet. A profile file others can
 * read gets the same warning and `chmod` fix as a token file (it may hold the client secret).
 */
export async function readProfile(configDir: string, name: string, warn: Warn): Promise<ProfileConfig | undefined> {
  const path = profilePath(configDir, name);
  const text = await readPrivateFile(path, { warn, holds: 'the Strava client settings (possibly the client secret)' });
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CorruptProfileError(path, `not valid JSON${syntaxErrorPlace(error, text)}`);
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

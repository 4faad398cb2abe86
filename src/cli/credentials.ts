import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { StravaAuthError } from '../core/errors/strava-auth-error.ts';
import type { Io } from './io.ts';
import type { ProfileConfig } from './profile.ts';
import { ask } from './prompt.ts';
import { readPrivateFile, type Warn } from '../node/private-files.ts';

/** The API application a command acts for, and where its settings were found. */
export interface Credentials {
  clientId: string;
  clientSecret: string;
  source: 'environment' | '.env' | 'profile' | 'prompt' | 'emulator';
}

/**
 * No client id or secret anywhere, and no terminal to ask on. Says where each was looked for and
 * how to keep it, so the next shell finds it.
 */
export class MissingCredentialsError extends StravaAuthError {
  constructor(missing: string, where: { cwd: string; profileFile?: string | undefined; purpose?: string | undefined }) {
    const places = ['the environment', `${join(where.cwd, '.env')}`, ...(where.profileFile ? [`the profile file ${where.profileFile}`] : [])];
    const why = where.purpose ? `, and ${where.purpose} needs it` : '';
    super(`No ${missing} is configured${why} (looked in ${places.join(', ')}).`, {
      code: 'missing_credentials',
      remedy:
        'Set STRAVA_CLIENT_ID and STRAVA_CLIENT_SECRET (export them in your shell profile, or put them in ./.env), or run strava-auth login in a terminal, which asks for them and saves them in the profile (mode 0600). Your API application is on https://www.strava.com/settings/api; to try strava-auth without a Strava account: strava-auth login --emulator',
    });
  }
}

/** `./.env`, with the token files' warning and `chmod` fix when others can read the client secret in it. */
async function dotEnv(cwd: string, warn: Warn): Promise<Record<string, string>> {
  try {
    const text = await readPrivateFile(join(cwd, '.env'), {
      warn,
      holds: (content) => (/^\s*(export\s+)?STRAVA_CLIENT_SECRET\s*=\s*\S/m.test(content) ? 'the Strava client secret' : undefined),
    });
    return text === undefined ? {} : (parseEnv(text) as Record<string, string>);
  } catch {
    return {};
  }
}

/**
 * Finds the client id and secret: environment, then `./.env`, then the profile's saved settings;
 * on a terminal (when `prompt` is allowed) asks for what is missing, the secret without echo.
 * Each value is looked up on its own, so an id in the profile and a secret in the environment mix.
 */
export async function resolveCredentials(
  io: Io,
  profile: ProfileConfig | undefined,
  options: { prompt: boolean; warn?: Warn; profileFile?: string; /** false: only the id is needed (an authorize URL); the secret is '' when not found. */ secret?: boolean; /** What the secret is for, in the error when it is missing: "refreshing the token". */ purpose?: string },
): Promise<Credentials> {
  const file = await dotEnv(io.cwd, options.warn ?? (() => {}));
  const sources: Array<[Credentials['source'], Partial<Record<'id' | 'secret', string | undefined>>]> = [
    ['environment', { id: io.env.STRAVA_CLIENT_ID, secret: io.env.STRAVA_CLIENT_SECRET }],
    ['.env', { id: file.STRAVA_CLIENT_ID, secret: file.STRAVA_CLIENT_SECRET }],
    ['profile', { id: profile?.clientId, secret: profile?.clientSecret }],
  ];
  const find = (key: 'id' | 'secret') => sources.find(([, values]) => values[key]?.trim());
  const id = find('id');
  const secret = find('secret');
  let clientId = id?.[1].id?.trim();
  let clientSecret = secret?.[1].secret?.trim();
  let source: Credentials['source'] = secret?.[0] ?? id?.[0] ?? 'prompt';
  const where = { cwd: io.cwd, profileFile: options.profileFile, purpose: options.purpose };
  const canAsk = options.prompt && Boolean(io.stdin.isTTY) && Boolean(io.stderr.isTTY);
  if (!clientId) {
    if (!canAsk) throw new MissingCredentialsError('Strava client id (STRAVA_CLIENT_ID)', where);
    io.stderr.write('Your Strava API application is on https://www.strava.com/settings/api\n');
    clientId = await ask(io, 'Client ID: ');
    source = 'prompt';
  }
  if (!/^\d+$/.test(clientId)) throw new MissingCredentialsError(`valid Strava client id (a number; got "${clientId}")`, where);
  if (!clientSecret && options.secret === false) return { clientId, clientSecret: '', source };
  if (!clientSecret) {
    if (!canAsk) throw new MissingCredentialsError('Strava client secret (STRAVA_CLIENT_SECRET)', where);
    clientSecret = await ask(io, 'Client Secret (not shown): ', { secret: true });
    source = 'prompt';
    if (!clientSecret) throw new MissingCredentialsError('Strava client secret', where);
  }
  return { clientId, clientSecret, source };
}

/**
 * The CLI's request limits, from the environment: STRAVA_AUTH_TIMEOUT (seconds, one request from
 * connecting to its last byte) and STRAVA_AUTH_MAX_RESPONSE_MB (the cap of a response body).
 * Unset, the library's defaults hold (30 s, 8 MiB).
 */
import { UsageError } from './usage-error.ts';

/** What `OAuthConfig` and `StravaClient` take. */
export interface CliRequestLimits {
  requestTimeoutMs?: number;
  maxResponseBytes?: number;
}

function positive(env: Record<string, string | undefined>, name: string, unit: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!(value > 0 && Number.isFinite(value))) throw new UsageError(`${name} takes a positive number of ${unit}; got "${raw}".`);
  return value;
}

/** Reads the limits; a value that is not a positive number is a usage error (exit 2). */
export function requestLimitsFromEnv(env: Record<string, string | undefined>): CliRequestLimits {
  const seconds = positive(env, 'STRAVA_AUTH_TIMEOUT', 'seconds');
  const megabytes = positive(env, 'STRAVA_AUTH_MAX_RESPONSE_MB', 'megabytes');
  return {
    ...(seconds !== undefined && { requestTimeoutMs: Math.ceil(seconds * 1000) }),
    ...(megabytes !== undefined && { maxResponseBytes: Math.ceil(megabytes * 1024 * 1024) }),
  };
}

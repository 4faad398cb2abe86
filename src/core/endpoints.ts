/** Where Strava's OAuth endpoints live (they stay here after 2027-06-01). */
export const STRAVA_OAUTH_BASE_URL = 'https://www.strava.com';

/** Strava's API base until 2027-06-01. */
export const STRAVA_API_BASE_URL = 'https://www.strava.com/api/v3';

/**
 * Strava's announced API base from 2027-06-01 (protocol section 8; reports differ on the `www`).
 * Pass it as `apiBaseUrl` to move early.
 */
export const STRAVA_API_BASE_URL_2027 = 'https://www.api-v3.strava.com';

/** Joins a base URL and a path without doubling or losing slashes. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

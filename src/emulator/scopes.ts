/**
 * Strava's OAuth scopes as the authorize step reads them (protocol section 1). The scope names
 * themselves come from the core, the one list the whole project shares.
 */
import { isScope, SCOPES } from '../core/scopes.ts';

/** The seven scopes Strava accepts today. */
export const VALID_SCOPES: readonly string[] = SCOPES;

/** How the consent page names each scope. */
export const SCOPE_LABELS: Readonly<Record<string, string>> = {
  read: 'View data about your public profile (required)',
  read_all: 'View data about your private routes, segments and events',
  'profile:read_all': 'View your complete profile, including zones and followers',
  'profile:write': 'Update your weight, FTP and starred segments',
  'activity:read': 'View data about your activities (except those visible to Only You)',
  'activity:read_all': 'View data about all your activities, including Only You and privacy zones',
  'activity:write': 'Upload activities and edit the ones you own',
};

/**
 * Reads the `scope` query parameter: comma separated, no spaces, only valid names. Returns the
 * requested scopes in request order without duplicates, or null when Strava would answer 400.
 * Absent or empty means "nothing beyond read". Empty items (`read,,activity:read`) are refused:
 * the protocol says "comma separated, no spaces" and a sloppy join should show up here, not in production.
 */
export function parseScopeParam(raw: string | undefined): string[] | null {
  if (raw === undefined || raw === '') return [];
  if (/\s/.test(raw)) return null;
  const scopes = raw.split(',');
  if (!scopes.every(isScope)) return null;
  return [...new Set(scopes)];
}

/** The scopes Strava grants: `read` always, first, then the rest in the given order, once each. */
export function withRead(scopes: readonly string[]): string[] {
  return [...new Set(['read', ...scopes])];
}

/** True when `have` holds every scope of `want`. */
export function coversScopes(have: readonly string[], want: readonly string[]): boolean {
  return want.every((scope) => have.includes(scope));
}

import { InvalidScopeError } from './errors/invalid-scope-error.ts';

/** The seven scopes Strava knows, in the order its consent page lists them. */
export const SCOPES = [
  'read',
  'read_all',
  'profile:read_all',
  'profile:write',
  'activity:read',
  'activity:read_all',
  'activity:write',
] as const;

/** A Strava OAuth scope. */
export type Scope = (typeof SCOPES)[number];

/** What each scope lets an app do (Strava's own descriptions, shortened). */
export const SCOPE_DESCRIPTIONS: Readonly<Record<Scope, string>> = {
  read: 'public segments, routes, profile data, posts, events, club feeds and leaderboards',
  read_all: 'private routes, private segments and private events',
  'profile:read_all': 'all profile information, even when the profile is visible to followers or only the athlete',
  'profile:write': "update weight and FTP, star or unstar segments",
  'activity:read': 'activities visible to Everyone and Followers, without privacy zones',
  'activity:read_all': 'all activities including Only You ones, and privacy zone data',
  'activity:write': 'create manual activities and uploads, edit activities the app can read',
};

/**
 * Scopes of apps made before October 2019 and what they correspond to today (protocol section 8).
 * `public` and `(none)` stand for the old empty default scope.
 */
const LEGACY_SCOPES: Readonly<Record<string, readonly Scope[]>> = {
  public: ['read', 'activity:read'],
  '(none)': ['read', 'activity:read'],
  write: ['activity:write', 'profile:write'],
  view_private: ['read_all', 'activity:read_all', 'profile:read_all'],
};

/** Scopes that include others: having the key means having the values too. */
const IMPLIES: Readonly<Partial<Record<Scope, readonly Scope[]>>> = {
  'activity:read_all': ['activity:read'],
};

/** Receives a warning about a legacy scope that was translated. */
export type ScopeWarningHandler = (message: string) => void;

/** Whether `value` is one of today's scope names. */
export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/**
 * Parses a scope list typed by a person or stored by an older tool: comma or space separated,
 * duplicates removed, sorted in Strava's order. Legacy names are translated to today's scopes and
 * reported through `onWarning`; an unknown name throws {@link InvalidScopeError} listing the valid ones.
 *
 * @example
 * parseScopes('activity:write read activity:write'); // ['read', 'activity:write']
 */
export function parseScopes(
  input: string | readonly string[],
  onWarning: ScopeWarningHandler = (message) => console.warn(message),
): Scope[] {
  const names = (typeof input === 'string' ? [input] : input).flatMap((part) => part.split(/[\s,]+/)).filter(Boolean);
  const scopes: Scope[] = [];
  const invalid: string[] = [];
  for (const name of names) {
    if (isScope(name)) {
      scopes.push(name);
      continue;
    }
    // Own keys only: "constructor" or "__proto__" typed as a scope must not reach Object.prototype.
    const legacy = Object.hasOwn(LEGACY_SCOPES, name) ? LEGACY_SCOPES[name] : undefined;
    if (legacy) {
      onWarning(`The legacy scope "${name}" no longer exists; using ${legacy.join(',')} instead.`);
      scopes.push(...legacy);
      continue;
    }
    invalid.push(name);
  }
  if (invalid.length > 0) throw new InvalidScopeError(invalid, SCOPES);
  return normalizeScopes(scopes);
}

/** Removes duplicates and sorts into Strava's order. */
export function normalizeScopes(scopes: Iterable<Scope>): Scope[] {
  const set = new Set(scopes);
  return SCOPES.filter((scope) => set.has(scope));
}

/**
 * Everything a set of granted scopes allows: adds `read` (always granted) and implied scopes
 * (`activity:read_all` covers `activity:read`).
 */
export function effectiveScopes(granted: Iterable<Scope>): Scope[] {
  const set = new Set<Scope>(['read']);
  for (const scope of granted) {
    set.add(scope);
    for (const implied of IMPLIES[scope] ?? []) set.add(implied);
  }
  return normalizeScopes(set);
}

/** The scopes of `needed` that `granted` does not cover (implied scopes taken into account). */
export function missingScopes(needed: Iterable<Scope>, granted: Iterable<Scope>): Scope[] {
  const have = new Set(effectiveScopes(granted));
  return normalizeScopes([...needed].filter((scope) => !have.has(scope)));
}

/** Whether `granted` covers every scope of `needed`. */
export function hasScopes(granted: Iterable<Scope>, needed: Iterable<Scope>): boolean {
  return missingScopes(needed, granted).length === 0;
}

/** Joins scopes the way Strava's authorize URL wants them: commas, no spaces. */
export function formatScopes(scopes: Iterable<Scope>): string {
  return normalizeScopes(scopes).join(',');
}

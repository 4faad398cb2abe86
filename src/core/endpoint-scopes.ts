import { matchPathTemplate, templateParameterCount } from './path-template.ts';
import type { Scope } from './scopes.ts';

/** The scopes one API endpoint needs (protocol section 7, Strava's Swagger descriptions). */
export interface EndpointScopes {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path template under the API base, e.g. `/activities/{id}`. */
  path: string;
  /** Scopes every call needs (implied scopes count: `activity:read_all` covers `activity:read`). */
  needs: readonly Scope[];
  /** Scopes needed only for private ("Only You") objects; without them those are refused or left out. */
  forPrivate?: readonly Scope[];
  /** What changes with more scopes, in words. */
  note?: string;
}

const ACTIVITY_READ = {
  needs: ['activity:read'],
  forPrivate: ['activity:read_all'],
  note: 'Only You activities need activity:read_all',
} as const;

/** Every endpoint of Strava's API v3 and the scopes it needs. */
export const ENDPOINT_SCOPES: readonly EndpointScopes[] = [
  { method: 'GET', path: '/athlete', needs: [], note: 'profile:read_all returns the detailed athlete' },
  { method: 'PUT', path: '/athlete', needs: ['profile:write'] },
  { method: 'GET', path: '/athlete/zones', needs: ['profile:read_all'] },
  { method: 'GET', path: '/athletes/{id}/stats', needs: [], note: 'id must be the authenticated athlete' },
  { method: 'GET', path: '/athlete/activities', ...ACTIVITY_READ, note: 'Only You activities are silently left out without activity:read_all' },
  { method: 'GET', path: '/athlete/clubs', needs: [] },
  { method: 'POST', path: '/activities', needs: ['activity:write'] },
  { method: 'GET', path: '/activities/{id}', ...ACTIVITY_READ },
  { method: 'PUT', path: '/activities/{id}', needs: ['activity:write'], forPrivate: ['activity:read_all'], note: 'Only You activities also need activity:read_all' },
  { method: 'GET', path: '/activities/{id}/laps', ...ACTIVITY_READ },
  { method: 'GET', path: '/activities/{id}/zones', ...ACTIVITY_READ },
  { method: 'GET', path: '/activities/{id}/comments', ...ACTIVITY_READ },
  { method: 'GET', path: '/activities/{id}/kudos', ...ACTIVITY_READ },
  { method: 'GET', path: '/activities/{id}/streams', ...ACTIVITY_READ },
  { method: 'POST', path: '/uploads', needs: ['activity:write'] },
  { method: 'GET', path: '/uploads/{id}', needs: ['activity:write'] },
  { method: 'GET', path: '/segments/{id}', needs: [], forPrivate: ['read_all'], note: 'private segments need read_all' },
  { method: 'GET', path: '/segments/starred', needs: [], forPrivate: ['read_all'], note: 'private segments are left out without read_all' },
  { method: 'PUT', path: '/segments/{id}/starred', needs: ['profile:write'] },
  { method: 'GET', path: '/segments/explore', needs: [] },
  { method: 'GET', path: '/segments/{id}/streams', needs: [], forPrivate: ['read_all'], note: 'private segments need read_all' },
  { method: 'GET', path: '/segment_efforts', needs: [], note: 'needs a Strava subscription' },
  { method: 'GET', path: '/segment_efforts/{id}', needs: [], note: 'needs a Strava subscription' },
  { method: 'GET', path: '/segment_efforts/{id}/streams', needs: ['read_all'] },
  { method: 'GET', path: '/routes/{id}', needs: [], forPrivate: ['read_all'], note: 'private routes need read_all' },
  { method: 'GET', path: '/athletes/{id}/routes', needs: [], forPrivate: ['read_all'], note: 'private routes are left out without read_all' },
  { method: 'GET', path: '/routes/{id}/export_gpx', needs: [], forPrivate: ['read_all'], note: 'private routes need read_all' },
  { method: 'GET', path: '/routes/{id}/export_tcx', needs: [], forPrivate: ['read_all'], note: 'private routes need read_all' },
  { method: 'GET', path: '/routes/{id}/streams', needs: [], forPrivate: ['read_all'], note: 'private routes need read_all' },
  { method: 'GET', path: '/clubs/{id}', needs: [] },
  { method: 'GET', path: '/clubs/{id}/members', needs: [] },
  { method: 'GET', path: '/clubs/{id}/admins', needs: [] },
  { method: 'GET', path: '/clubs/{id}/activities', needs: [] },
  { method: 'GET', path: '/gear/{id}', needs: [] },
];

/**
 * Finds the scope rule for a call. Accepts a concrete path (`/activities/123`), an API-base-prefixed
 * one (`/api/v3/activities/123`) or a full URL; query strings are ignored. Literal segments win over
 * `{id}` (`/segments/starred` is not `/segments/{id}`). Returns undefined for unknown endpoints.
 *
 * @example
 * scopesForEndpoint('GET', '/activities/123')?.needs; // ['activity:read']
 */
export function scopesForEndpoint(method: string, path: string): EndpointScopes | undefined {
  const upper = method.toUpperCase();
  let clean = path.replace(/^[a-z]+:\/\/[^/]+/i, '').split(/[?#]/)[0] ?? '';
  clean = ('/' + clean.replace(/^\/+/, '')).replace(/^\/api\/v3(?=\/)/, '').replace(/\/+$/, '') || '/';
  const candidates = ENDPOINT_SCOPES.filter((rule) => rule.method === upper && matchPathTemplate(rule.path, clean) !== null);
  // Prefer the most literal template: fewer `{…}` segments.
  candidates.sort((a, b) => templateParameterCount(a.path) - templateParameterCount(b.path));
  return candidates[0];
}

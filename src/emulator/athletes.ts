/**
 * Made-up but realistic athletes, so a service juggling several of them shows names a person can
 * tell apart in logs.
 */
import type { SummaryAthlete } from './types.ts';

/** Templates in the field order of Strava's own token responses; spreading over them keeps that order. */
const PEOPLE: readonly SummaryAthlete[] = [
  person('Marta', 'Lindqvist', 'F', 'Gothenburg', 'Västra Götaland', 'Sweden'),
  person('Tomás', 'Herrera', 'M', 'Girona', 'Catalonia', 'Spain'),
  person('Aiko', 'Tanaka', 'F', 'Boulder', 'CO', 'United States'),
  person('Kwame', 'Mensah', 'M', 'Accra', 'Greater Accra', 'Ghana'),
  person('Léa', 'Fontaine', 'F', 'Annecy', 'Auvergne-Rhône-Alpes', 'France'),
  person('Ruairí', 'Byrne', 'M', 'Galway', 'Connacht', 'Ireland'),
];

function person(
  firstname: string,
  lastname: string,
  sex: 'M' | 'F',
  city: string,
  state: string,
  country: string,
): SummaryAthlete {
  return {
    id: 0,
    username: `${firstname}_${lastname}`.toLowerCase().normalize('NFD').replace(/[^a-z_]/g, ''),
    resource_state: 2,
    firstname,
    lastname,
    bio: '',
    city,
    state,
    country,
    sex,
    premium: false,
    summit: false,
    created_at: '',
    updated_at: '',
    badge_type_id: 0,
    weight: null,
    // What Strava returns for an athlete without a photo.
    profile_medium: 'avatar/athlete/medium.png',
    profile: 'avatar/athlete/large.png',
    friend: null,
    follower: null,
  };
}

/** A summary athlete (resource_state 2) for `id`, created at `nowMs`, with any field overridden. */
export function makeAthlete(id: number, nowMs: number, overrides: Partial<SummaryAthlete> = {}): SummaryAthlete {
  const base = PEOPLE[Math.abs(id - 1) % PEOPLE.length]!;
  const stamp = new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return { ...base, created_at: stamp, updated_at: stamp, ...overrides, id, resource_state: 2 };
}

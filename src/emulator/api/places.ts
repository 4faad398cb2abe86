/**
 * Where the emulator's athletes live: coordinates, time zone and altitude of their home town, so
 * seeded activities start near home, at local times that make sense, with plausible elevations.
 */
import type { SummaryAthlete } from '../types.ts';
import type { LatLng } from './polyline.ts';

/** A home town. */
export interface Place {
  center: LatLng;
  /** IANA time zone. */
  timeZone: string;
  /** Meters above sea level. */
  altitude: number;
  /** How hilly the surroundings are: elevation gain per meter travelled. */
  hilliness: number;
}

const PLACES: Readonly<Record<string, Place>> = {
  Gothenburg: { center: [57.7089, 11.9746], timeZone: 'Europe/Stockholm', altitude: 12, hilliness: 0.006 },
  Girona: { center: [41.9794, 2.8214], timeZone: 'Europe/Madrid', altitude: 75, hilliness: 0.012 },
  Boulder: { center: [40.015, -105.2705], timeZone: 'America/Denver', altitude: 1655, hilliness: 0.016 },
  Accra: { center: [5.6037, -0.187], timeZone: 'Africa/Accra', altitude: 61, hilliness: 0.003 },
  Annecy: { center: [45.8992, 6.1294], timeZone: 'Europe/Paris', altitude: 448, hilliness: 0.02 },
  Galway: { center: [53.2707, -9.0568], timeZone: 'Europe/Dublin', altitude: 14, hilliness: 0.005 },
};

const ORDER = Object.keys(PLACES);

/** The athlete's home town; a town the emulator does not know falls back by athlete id. */
export function placeOf(athlete: Pick<SummaryAthlete, 'id' | 'city'>): Place {
  return PLACES[athlete.city] ?? PLACES[ORDER[Math.abs(athlete.id - 1) % ORDER.length]!]!;
}

/** Building a formatter is slow (~0.2 ms); seeding thousands of activities reuses one per zone. */
const FORMATTERS = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC at `ms`, in seconds (DST included). */
export function utcOffsetSeconds(timeZone: string, ms: number): number {
  let format = FORMATTERS.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    FORMATTERS.set(timeZone, format);
  }
  const name = format
    .formatToParts(ms)
    .find((part) => part.type === 'timeZoneName')?.value;
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name ?? '');
  if (!match) return 0; // "GMT" alone: UTC
  const sign = match[1] === '-' ? -1 : 1;
  return sign * (Number(match[2]) * 3600 + Number(match[3]) * 60);
}

/** Strava's `timezone` label: `(GMT+01:00) Europe/Paris`. */
export function timeZoneLabel(timeZone: string, ms: number): string {
  const offset = utcOffsetSeconds(timeZone, ms);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 3600)).padStart(2, '0');
  const mm = String(Math.floor((abs % 3600) / 60)).padStart(2, '0');
  return `(GMT${sign}${hh}:${mm}) ${timeZone}`;
}

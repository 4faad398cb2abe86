/**
 * Reads uploaded activity files the way Strava's processing would, as far as the emulator needs:
 * recognizes FIT (by its header), GPX and TCX (by their root element), optionally gzipped, and takes
 * the track, start time and sport from GPX and TCX. A file that is not what its `data_type` says
 * ends the upload in Strava's "Improperly formatted data." error.
 */
import { gunzipSync } from 'node:zlib';
import type { UploadDataType } from '../../client/upload-data-type.ts';
import type { LatLng } from './polyline.ts';

/** What a readable file holds. Track, time and sport are absent for FIT (not decoded). */
export interface ActivityFile {
  track: LatLng[];
  startMs?: number;
  endMs?: number;
  sport?: string;
  name?: string;
}

/** The file's content, or null when it is not a valid file of `dataType`. */
export function readActivityFile(bytes: Uint8Array, dataType: UploadDataType): ActivityFile | null {
  let data = bytes;
  if (dataType.endsWith('.gz')) {
    try {
      data = gunzipSync(bytes);
    } catch {
      return null;
    }
  }
  const format = dataType.replace(/\.gz$/, '');
  if (format === 'fit') return isFit(data) ? { track: [] } : null;
  const text = new TextDecoder().decode(data);
  return format === 'gpx' ? readGpx(text) : readTcx(text);
}

/** A FIT file: header size 12 or 14, then ".FIT" at bytes 8 to 11. */
function isFit(data: Uint8Array): boolean {
  return data.length >= 12 && (data[0] === 12 || data[0] === 14) && new TextDecoder().decode(data.subarray(8, 12)) === '.FIT';
}

function readGpx(text: string): ActivityFile | null {
  if (!/<gpx[\s>]/.test(text)) return null;
  const points = [...text.matchAll(/<trkpt\b([^>]*)>([\s\S]*?)<\/trkpt>/g)].map(([, attrs, body]) => ({
    lat: Number(/\blat="([^"]+)"/.exec(attrs!)?.[1]),
    lng: Number(/\blon="([^"]+)"/.exec(attrs!)?.[1]),
    time: /<time>([^<]+)<\/time>/.exec(body!)?.[1],
  }));
  return withTimes(points, /<trk>[\s\S]*?<name>([^<]*)<\/name>/.exec(text)?.[1], /<type>([^<]*)<\/type>/.exec(text)?.[1]);
}

function readTcx(text: string): ActivityFile | null {
  if (!/<TrainingCenterDatabase[\s>]/.test(text)) return null;
  const points = [...text.matchAll(/<Trackpoint>([\s\S]*?)<\/Trackpoint>/g)].map(([, body]) => ({
    lat: Number(/<LatitudeDegrees>([^<]+)</.exec(body!)?.[1]),
    lng: Number(/<LongitudeDegrees>([^<]+)</.exec(body!)?.[1]),
    time: /<Time>([^<]+)<\/Time>/.exec(body!)?.[1],
  }));
  return withTimes(points, undefined, /<Activity\s+Sport="([^"]+)"/.exec(text)?.[1]);
}

function withTimes(points: Array<{ lat: number; lng: number; time: string | undefined }>, name: string | undefined, sport: string | undefined): ActivityFile | null {
  const times = points.map((p) => (p.time ? Date.parse(p.time) : Number.NaN)).filter(Number.isFinite);
  // Strava refuses a file without a single timed point: there is no activity in it.
  if (times.length === 0) return null;
  return {
    track: points.filter((p) => Number.isFinite(p.lat) && Number.isFinite(p.lng)).map((p): LatLng => [p.lat, p.lng]),
    startMs: Math.min(...times),
    endMs: Math.max(...times),
    ...(sport !== undefined && { sport: sportType(sport) }),
    ...(name !== undefined && name.trim() !== '' && { name: name.trim() }),
  };
}

/** GPX `<type>` and TCX `Sport` values as Strava sport types (unknown ones become a ride, Strava's default). */
function sportType(value: string): string {
  if (/run/i.test(value)) return 'Run';
  if (/walk/i.test(value)) return 'Walk';
  if (/hik/i.test(value)) return 'Hike';
  if (/swim/i.test(value)) return 'Swim';
  return 'Ride';
}

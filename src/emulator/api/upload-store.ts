/**
 * Uploads and their processing (Strava's asynchronous upload flow): `POST /uploads` answers
 * "Your activity is still being processed."; later polls of `GET /uploads/{id}` see either
 * "Your activity is ready." with the new `activity_id`, or "There was an error processing your
 * activity." with Strava's error text (a malformed file, or a duplicate of an earlier upload).
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../../core/clock.ts';
import type { SummaryAthlete } from '../types.ts';
import { newActivity } from './activity-record.ts';
import { defaultActivityName, gearIds, trackLength } from './activity-seed.ts';
import type { ActivityStore } from './activity-store.ts';
import { placeOf, utcOffsetSeconds } from './places.ts';
import { mixSeed, Prng } from './prng.ts';
import type { UploadProcessing } from './types.ts';
import type { UploadDataType } from '../../client/upload-data-type.ts';
import { readActivityFile } from './upload-files.ts';

/** Strava's status texts. */
export const UPLOAD_STATUS = {
  processing: 'Your activity is still being processed.',
  ready: 'Your activity is ready.',
  error: 'There was an error processing your activity.',
} as const;

/** What `POST /uploads` received. */
export interface UploadRequest {
  athleteId: number;
  file: Uint8Array;
  filename: string;
  dataType: UploadDataType;
  name?: string;
  description?: string;
  trainer?: boolean;
  commute?: boolean;
  externalId?: string;
}

/** One upload as {@link UploadStore.snapshot} keeps it: the file (base64) only until processed. */
export interface SavedUpload extends Omit<UploadRecord, 'request'> {
  request: Omit<UploadRequest, 'file'> & { file: string };
}

/** What a state file keeps of the uploads: the next id, every upload, the files seen. */
export interface UploadStoreSnapshot {
  nextId: number;
  uploads: SavedUpload[];
  /** Content hash (per athlete) → the activity made of it. */
  seen: Array<[string, number]>;
}

const FIRST_UPLOAD_ID = 8_000_000_001;

interface UploadRecord {
  id: number;
  request: UploadRequest;
  externalId: string;
  createdAtMs: number;
  polls: number;
  outcome: { activityId: number } | { error: string } | null;
}

/** Every upload, by id. */
export class UploadStore {
  processing: UploadProcessing;
  readonly #uploads = new Map<number, UploadRecord>();
  /** Content hash → activity id, per athlete: Strava refuses the same file twice. */
  readonly #seen = new Map<string, number>();
  readonly #clock: Clock;
  readonly #activities: ActivityStore;
  readonly #athlete: (id: number) => SummaryAthlete | undefined;
  readonly #onChange: () => void;
  #nextId = FIRST_UPLOAD_ID;

  /** `onChange` runs after every change worth persisting. */
  constructor(options: {
    clock: Clock;
    activities: ActivityStore;
    processing: UploadProcessing;
    athlete: (id: number) => SummaryAthlete | undefined;
    onChange?: () => void;
  }) {
    this.#clock = options.clock;
    this.#activities = options.activities;
    this.processing = options.processing;
    this.#athlete = options.athlete;
    this.#onChange = options.onChange ?? (() => {});
  }

  /** Every upload and the next id; a file is kept only while its upload still waits for processing. */
  snapshot(): UploadStoreSnapshot {
    const uploads = [...this.#uploads.values()].map((record) => ({
      ...record,
      request: { ...record.request, file: record.outcome === null ? Buffer.from(record.request.file).toString('base64') : '' },
    }));
    return { nextId: this.#nextId, uploads, seen: [...this.#seen] };
  }

  /** Replaces every upload with a snapshot's. */
  restore(snapshot: UploadStoreSnapshot): void {
    this.#uploads.clear();
    this.#seen.clear();
    this.#nextId = Math.max(FIRST_UPLOAD_ID, snapshot.nextId);
    for (const saved of snapshot.uploads) {
      this.#uploads.set(saved.id, { ...saved, request: { ...saved.request, file: new Uint8Array(Buffer.from(saved.request.file, 'base64')) } });
    }
    for (const [hash, activityId] of snapshot.seen) this.#seen.set(hash, activityId);
  }

  /** Accepts an upload; it starts out processing. */
  create(request: UploadRequest): Record<string, unknown> {
    const id = this.#nextId++;
    const record: UploadRecord = {
      id,
      request,
      externalId: request.externalId ?? `${request.filename.replace(/\.(fit|gpx|tcx)(\.gz)?$/i, '')}-${id}.${request.dataType.replace(/\.gz$/, '')}`,
      createdAtMs: this.#clock.now(),
      polls: 0,
      outcome: null,
    };
    this.#uploads.set(id, record);
    this.#onChange();
    return uploadJson(record);
  }

  /**
   * A poll of `GET /uploads/{id}` by `athleteId`: moves processing along (see
   * {@link UploadProcessing}) and returns the upload, or undefined when it is not theirs.
   */
  poll(id: number, athleteId: number): Record<string, unknown> | undefined {
    const record = this.#uploads.get(id);
    if (!record || record.request.athleteId !== athleteId) return undefined;
    record.polls++;
    const elapsed = (this.#clock.now() - record.createdAtMs) / 1000;
    if (record.outcome === null && (record.polls >= this.processing.polls || elapsed >= this.processing.seconds)) {
      record.outcome = this.#process(record);
    }
    this.#onChange();
    return uploadJson(record);
  }

  #process(record: UploadRecord): UploadRecord['outcome'] {
    const { request } = record;
    const content = readActivityFile(request.file, request.dataType);
    if (!content) return { error: 'Improperly formatted data.' };
    const hash = `${request.athleteId}:${createHash('sha256').update(request.file).digest('hex')}`;
    const duplicate = this.#seen.get(hash);
    if (duplicate !== undefined) return { error: `${request.filename} duplicate of activity ${duplicate}` };
    const athlete = this.#athlete(request.athleteId);
    const place = placeOf(athlete ?? { id: request.athleteId, city: '' });
    const prng = new Prng(mixSeed(record.id));
    const sportType = content.sport ?? 'Ride';
    const startMs = content.startMs ?? record.createdAtMs - 3_600_000;
    const elapsedTime = content.endMs !== undefined ? Math.round((content.endMs - startMs) / 1000) : prng.int(1800, 7200);
    const distance = content.track.length > 1 ? Math.round(trackLength(content.track) * 10) / 10 : Math.round(elapsedTime * prng.between(2.5, 8));
    const localHour = new Date(startMs + utcOffsetSeconds(place.timeZone, startMs) * 1000).getUTCHours();
    const gear = gearIds(request.athleteId);
    const fields = newActivity({
      athleteId: request.athleteId,
      name: request.name ?? content.name ?? defaultActivityName(sportType, localHour),
      sportType,
      startMs,
      timeZone: place.timeZone,
      distance,
      movingTime: elapsedTime,
      elapsedTime,
      track: content.track,
      maxSpeed: elapsedTime > 0 ? Math.round((distance / elapsedTime) * 1.6 * 1000) / 1000 : 0,
      trainer: request.trainer ?? false,
      commute: request.commute ?? false,
      gearId: sportType === 'Ride' ? gear.bike : sportType === 'Swim' ? null : gear.shoes,
      calories: Math.round(elapsedTime * 0.15),
      description: request.description ?? null,
      externalId: record.externalId,
      uploadId: record.id,
    });
    const activity = this.#activities.add(fields);
    this.#seen.set(hash, activity.id);
    return { activityId: activity.id };
  }
}

/** Strava's Upload JSON (with `id_str`, which Strava adds for languages without 64-bit integers). */
function uploadJson(record: UploadRecord): Record<string, unknown> {
  const outcome = record.outcome;
  return {
    id: record.id,
    id_str: String(record.id),
    external_id: record.externalId,
    error: outcome && 'error' in outcome ? outcome.error : null,
    status: outcome === null ? UPLOAD_STATUS.processing : 'error' in outcome ? UPLOAD_STATUS.error : UPLOAD_STATUS.ready,
    activity_id: outcome && 'activityId' in outcome ? outcome.activityId : null,
  };
}

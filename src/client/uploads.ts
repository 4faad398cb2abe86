/**
 * Strava's asynchronous uploads: the multipart form of `POST /uploads`, and the polling of
 * `GET /uploads/{id}` until Strava reports the new activity's id or an error.
 */
import type { Clock } from '../core/clock.ts';
import type { Sleep } from '../core/retry.ts';
import { UploadError } from './errors/upload-error.ts';
import { UploadFormatError } from './errors/upload-format-error.ts';
import { UploadTimeoutError } from './errors/upload-timeout-error.ts';
import { UploadTooLargeError } from './errors/upload-too-large-error.ts';
import type { Upload } from './models.ts';
import type { FormValue } from './request-options.ts';
import { dataTypeFromFilename, type UploadDataType } from './upload-data-type.ts';

/** An activity file to upload. */
export interface UploadInput {
  /** The file's bytes (in Node, `readUploadFile` from `strava-auth/node` reads one from disk). */
  file: Blob | Uint8Array | ArrayBuffer;
  /** The file name Strava records (and quotes in duplicate errors); also tells the data type. */
  filename?: string;
  /** The format; default: from `filename`. */
  dataType?: UploadDataType;
  /** Name of the resulting activity (default: Strava picks one, e.g. "Morning Ride"). */
  name?: string;
  description?: string;
  trainer?: boolean;
  commute?: boolean;
  /** Your identifier for the upload. */
  externalId?: string;
}

/** How long and how often to wait for processing. */
export interface UploadWaitOptions {
  /** Between polls (default 2000 ms; Strava asks for no more than one poll a second). */
  pollIntervalMs?: number;
  /** Give up after this long (default 5 minutes) with `UploadTimeoutError`. */
  timeoutMs?: number;
  /** Called with the upload after the POST and after every poll, for progress output. */
  onProgress?: (upload: Upload) => void;
}

/** Default time between polls. */
export const DEFAULT_POLL_INTERVAL_MS = 2000;
/** Default time to wait for processing. */
export const DEFAULT_UPLOAD_TIMEOUT_MS = 5 * 60_000;

/** The largest activity file Strava accepts (25 MB); larger ones are refused before sending. */
export const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;

/** Strava's status for an upload whose activity was deleted before it was ready: it will never be. */
const DELETED = /has been deleted/i;

/**
 * The form fields of `POST /uploads`. Throws `UploadFormatError` when the format is unknown and
 * `UploadTooLargeError` above {@link MAX_UPLOAD_BYTES}.
 */
export function uploadForm(input: UploadInput): Record<string, FormValue> {
  const filename = input.filename ?? (input.file instanceof File ? input.file.name : undefined);
  const dataType = input.dataType ?? (filename ? dataTypeFromFilename(filename) : undefined);
  if (!dataType) throw new UploadFormatError(filename ?? '(unnamed file)');
  const size = input.file instanceof Blob ? input.file.size : input.file.byteLength;
  if (size > MAX_UPLOAD_BYTES) throw new UploadTooLargeError(filename ?? `activity.${dataType}`, size, MAX_UPLOAD_BYTES);
  const bytes = input.file instanceof Blob ? input.file : new Blob([input.file instanceof Uint8Array ? new Uint8Array(input.file) : input.file]);
  return {
    file: new File([bytes], filename ?? `activity.${dataType}`),
    data_type: dataType,
    name: input.name,
    description: input.description,
    trainer: input.trainer === undefined ? undefined : input.trainer ? 1 : 0,
    commute: input.commute === undefined ? undefined : input.commute ? 1 : 0,
    external_id: input.externalId,
  };
}

/**
 * Polls until the upload has an `activity_id` (resolves with it) or an error (throws
 * {@link UploadError}), or `timeoutMs` passes on `clock` (throws {@link UploadTimeoutError}).
 */
export async function waitForUpload(
  first: Upload,
  poll: (id: number) => Promise<Upload>,
  options: UploadWaitOptions & { clock: Clock; sleep: Sleep },
): Promise<Upload> {
  const interval = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const timeout = options.timeoutMs ?? DEFAULT_UPLOAD_TIMEOUT_MS;
  const started = options.clock.now();
  let upload = first;
  options.onProgress?.(upload);
  for (;;) {
    if (upload.error || DELETED.test(upload.status ?? '')) throw new UploadError(upload);
    if (upload.activity_id !== null && upload.activity_id !== undefined) return upload;
    const waited = options.clock.now() - started;
    if (waited >= timeout) throw new UploadTimeoutError(upload, waited);
    await options.sleep(Math.min(interval, timeout - waited));
    upload = await poll(upload.id);
    options.onProgress?.(upload);
  }
}

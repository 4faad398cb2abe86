/**
 * Reads an activity file from disk for `StravaClient.uploadActivity` (which takes bytes, to stay
 * runtime-agnostic): the bytes, the file's base name, and the data type its extension announces.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { UploadFormatError } from '../client/errors/upload-format-error.ts';
import { UploadTooLargeError } from '../client/errors/upload-too-large-error.ts';
import { MAX_UPLOAD_BYTES } from '../client/uploads.ts';
import { dataTypeFromFilename, type UploadDataType } from '../client/upload-data-type.ts';

/** A file ready for `uploadActivity`. */
export interface UploadFile {
  file: Uint8Array;
  filename: string;
  dataType: UploadDataType;
}

/**
 * Reads `path`. The data type comes from the extension (`.fit`, `.gpx`, `.tcx`, each optionally
 * `.gz`) unless given; an unknown one throws `UploadFormatError`, a file above Strava's 25 MB
 * `UploadTooLargeError` (before it is read into memory). File-system errors (ENOENT…)
 * are thrown as Node raises them.
 *
 * @example
 * const upload = await client.uploadActivity({ ...(await readUploadFile('Morning_Ride.fit')), name: 'Morning Ride' });
 */
export async function readUploadFile(path: string, dataType?: UploadDataType): Promise<UploadFile> {
  const filename = basename(path);
  const type = dataType ?? dataTypeFromFilename(filename);
  if (!type) throw new UploadFormatError(filename);
  const { size } = await stat(path);
  if (size > MAX_UPLOAD_BYTES) throw new UploadTooLargeError(filename, size, MAX_UPLOAD_BYTES);
  return { file: new Uint8Array(await readFile(path)), filename, dataType: type };
}

/**
 * The file formats `POST /uploads` accepts (`data_type`), and telling them from a file name.
 * Shared by the client, the Node file reader and the emulator, so all three accept the same list.
 */

/** Strava's upload formats, optionally gzipped. */
export const UPLOAD_DATA_TYPES = ['fit', 'fit.gz', 'tcx', 'tcx.gz', 'gpx', 'gpx.gz'] as const;

/** One of {@link UPLOAD_DATA_TYPES}. */
export type UploadDataType = (typeof UPLOAD_DATA_TYPES)[number];

/** Whether `value` is an accepted `data_type`. */
export function isUploadDataType(value: string): value is UploadDataType {
  return (UPLOAD_DATA_TYPES as readonly string[]).includes(value);
}

/**
 * The data type a file name announces (`ride.fit` → `fit`, `run.GPX.gz` → `gpx.gz`), or undefined.
 *
 * @example
 * dataTypeFromFilename('Morning_Ride.tcx.gz'); // 'tcx.gz'
 */
export function dataTypeFromFilename(filename: string): UploadDataType | undefined {
  const match = /\.(fit|tcx|gpx)(\.gz)?$/i.exec(filename);
  if (!match) return undefined;
  const type = `${match[1]!.toLowerCase()}${match[2] ? '.gz' : ''}`;
  return isUploadDataType(type) ? type : undefined;
}

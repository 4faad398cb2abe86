import { StravaAuthError } from '../../core/errors/strava-auth-error.ts';
import { UPLOAD_DATA_TYPES } from '../upload-data-type.ts';

/** The upload's format is unknown: the file name does not say it and no data type was given. */
export class UploadFormatError extends StravaAuthError {
  readonly filename: string;

  constructor(filename: string) {
    super(`Cannot tell the format of "${filename}" from its name.`, {
      code: 'upload_format_unknown',
      remedy: `Name the file .fit, .gpx or .tcx (optionally .gz), or give the data type: ${UPLOAD_DATA_TYPES.join(', ')}.`,
    });
    this.filename = filename;
  }
}

import { StravaAuthError } from '../../core/errors/strava-auth-error.ts';

/** The activity file is larger than Strava accepts; refused before a byte is sent. */
export class UploadTooLargeError extends StravaAuthError {
  readonly filename: string;
  readonly bytes: number;

  constructor(filename: string, bytes: number, limit: number) {
    super(`"${filename}" is ${(bytes / (1024 * 1024)).toFixed(1)} MB; Strava accepts activity files up to ${limit / (1024 * 1024)} MB.`, {
      code: 'upload_too_large',
      remedy: 'Compress it (.fit.gz, .gpx.gz, .tcx.gz) or split the activity, then upload again.',
    });
    this.filename = filename;
    this.bytes = bytes;
  }
}

import { StravaAuthError } from '../../core/errors/strava-auth-error.ts';
import type { Upload } from '../models.ts';

/** An upload was still processing when the wait gave up. Strava may still finish it. */
export class UploadTimeoutError extends StravaAuthError {
  readonly upload: Upload;
  readonly uploadId: number;

  constructor(upload: Upload, waitedMs: number) {
    super(`Upload ${upload.id} was still processing after ${Math.round(waitedMs / 1000)} s (Strava said: "${upload.status}").`, {
      code: 'upload_timeout',
      remedy: `Strava may still finish it: look again later with GET /uploads/${upload.id} (strava-auth api /uploads/${upload.id}), or wait longer.`,
    });
    this.upload = upload;
    this.uploadId = upload.id;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), uploadId: this.uploadId, upload: this.upload };
  }
}

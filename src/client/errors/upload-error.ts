import { StravaAuthError } from '../../core/errors/strava-auth-error.ts';
import type { Upload } from '../models.ts';

/**
 * Strava could not turn an upload into an activity: the file was malformed ("Improperly formatted
 * data."), a duplicate of an earlier one (`duplicateOf` names that activity), or the activity was
 * deleted while processing. `upload` is Strava's last answer.
 */
export class UploadError extends StravaAuthError {
  readonly upload: Upload;
  readonly uploadId: number;
  /** The existing activity, when Strava refused the file as a duplicate. */
  readonly duplicateOf: number | undefined;

  constructor(upload: Upload) {
    const reason = upload.error || upload.status;
    const duplicate = /duplicate of activity (\d+)/i.exec(reason ?? '');
    const duplicateOf = duplicate ? Number(duplicate[1]) : undefined;
    super(`Strava could not process upload ${upload.id}: ${reason.replace(/\.$/, '')}.`, {
      code: duplicateOf === undefined ? 'upload_failed' : 'upload_duplicate',
      remedy:
        duplicateOf === undefined
          ? 'Check that the file is a complete FIT, GPX or TCX recording and that its data type matches, then upload it again.'
          : `The file was uploaded before, as https://www.strava.com/activities/${duplicateOf}; there is nothing more to do.`,
    });
    this.upload = upload;
    this.uploadId = upload.id;
    this.duplicateOf = duplicateOf;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), uploadId: this.uploadId, duplicateOf: this.duplicateOf, upload: this.upload };
  }
}

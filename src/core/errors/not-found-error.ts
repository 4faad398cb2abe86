import { StravaApiError, type StravaApiErrorOptions } from './strava-api-error.ts';

/** Strava answered 404: the resource does not exist or is not visible to this token. */
export class NotFoundError extends StravaApiError {
  constructor(what: string, options: Omit<StravaApiErrorOptions, 'code' | 'remedy'>) {
    super(`Strava found nothing at ${what}.`, {
      ...options,
      code: 'not_found',
      remedy: 'Check the path and id; private objects may also need a broader scope.',
    });
  }
}

import { StravaApiError, type StravaApiErrorOptions } from './strava-api-error.ts';

/** The application is inactive (`403 Application/Status/Inactive`), e.g. no developer subscription. */
export class AppInactiveError extends StravaApiError {
  constructor(options: Omit<StravaApiErrorOptions, 'code' | 'remedy'>) {
    super('Strava says this API application is inactive.', {
      ...options,
      code: 'app_inactive',
      remedy: 'Reactivate it on https://www.strava.com/settings/api (since 2026-06-30 an active developer subscription is required).',
    });
  }
}

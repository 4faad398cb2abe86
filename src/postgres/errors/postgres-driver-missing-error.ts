import { StravaAuthError } from '../../core/errors/strava-auth-error.ts';

/** The PostgreSQL store was used without the `pg` driver installed (an optional peer dependency). */
export class PostgresDriverMissingError extends StravaAuthError {
  constructor(cause?: unknown) {
    super('The PostgreSQL token store needs the "pg" driver, which is not installed.', {
      code: 'postgres_driver_missing',
      remedy: 'Install it next to strava-auth: npm install pg',
      ...(cause === undefined ? {} : { cause }),
    });
  }
}

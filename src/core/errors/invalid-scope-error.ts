import { StravaAuthError } from './strava-auth-error.ts';

/** A scope name that Strava does not know. Lists the valid ones. */
export class InvalidScopeError extends StravaAuthError {
  readonly invalid: readonly string[];
  readonly valid: readonly string[];

  constructor(invalid: readonly string[], valid: readonly string[]) {
    super(`Unknown Strava scope${invalid.length > 1 ? 's' : ''}: ${invalid.map((s) => JSON.stringify(s)).join(', ')}.`, {
      code: 'invalid_scope',
      remedy: `Valid scopes are ${valid.join(', ')} (comma or space separated).`,
    });
    this.invalid = Object.freeze([...invalid]);
    this.valid = Object.freeze([...valid]);
  }
}

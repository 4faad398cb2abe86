import { StravaAuthError } from './strava-auth-error.ts';
import type { StravaFault } from './strava-api-error.ts';
import { SCOPES } from '../scopes.ts';

/** Options for {@link MissingScopeError}. */
export interface MissingScopeErrorOptions {
  /** Scopes the call needs that the token lacks. */
  missing: readonly string[];
  /** Scopes the token has. */
  granted: readonly string[];
  /** The call that needs them, e.g. `POST /uploads`. */
  endpoint?: string;
  /** The command that grants them; defaults to `strava-auth login --scope <granted + missing> --force`. */
  loginCommand?: string;
  /** Set when Strava itself answered `401 AccessToken/<scope>_permission/missing`. */
  status?: number;
  faults?: readonly StravaFault[];
}

/**
 * The token lacks a scope the call needs: found before the request is sent (preflight) or reported
 * by Strava (`AccessToken/activity:read_permission/missing`). Names the scope and the login command
 * that grants it.
 */
export class MissingScopeError extends StravaAuthError {
  readonly missing: readonly string[];
  readonly granted: readonly string[];
  readonly endpoint: string | undefined;
  readonly loginCommand: string;
  readonly status: number | undefined;
  readonly faults: readonly StravaFault[];

  constructor(options: MissingScopeErrorOptions) {
    // In Strava's order, so the same fix reads the same wherever it is printed.
    const order = (scope: string) => ((SCOPES as readonly string[]).indexOf(scope) + SCOPES.length + 1) % (SCOPES.length + 1);
    const wanted = [...new Set([...options.granted, ...options.missing])].sort((a, b) => order(a) - order(b));
    const loginCommand = options.loginCommand ?? `strava-auth login --scope ${wanted.join(',')} --force`;
    const scopes = options.missing.join(', ');
    const call = options.endpoint ? `${options.endpoint} needs` : 'This call needs';
    super(
      `${call} the ${scopes} scope${options.missing.length > 1 ? 's' : ''}, but the token only has ${options.granted.join(', ') || 'no scopes'}.`,
      {
        code: 'missing_scope',
        remedy: `Log in again asking for it and leave its box ticked on Strava's consent page: ${loginCommand}`,
      },
    );
    this.missing = Object.freeze([...options.missing]);
    this.granted = Object.freeze([...options.granted]);
    this.endpoint = options.endpoint;
    this.loginCommand = loginCommand;
    this.status = options.status;
    this.faults = Object.freeze([...(options.faults ?? [])]);
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      missing: this.missing,
      granted: this.granted,
      endpoint: this.endpoint,
      loginCommand: this.loginCommand,
      status: this.status,
    };
  }
}

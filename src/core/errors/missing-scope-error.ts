import { StravaApiError, type StravaFault } from './strava-api-error.ts';
import { loginCommandFor, type LoginCommand } from '../login-command.ts';
import { SCOPES } from '../scopes.ts';

/** Options for {@link MissingScopeError}. */
export interface MissingScopeErrorOptions {
  /** Scopes the call needs that the token lacks. */
  missing: readonly string[];
  /** Scopes the token has. */
  granted: readonly string[];
  /** The call that needs them, e.g. `POST /uploads`. */
  endpoint?: string;
  /**
   * The command (or page) that authorizes again, named in the remedy; a function is given the
   * scopes to ask for (granted and missing). Unset, the remedy asks in neutral words for a new
   * authorization with `scope=<granted + missing>`.
   */
  loginCommand?: LoginCommand | undefined;
  /** Set when Strava itself answered `401 AccessToken/<scope>_permission/missing`. */
  status?: number;
  faults?: readonly StravaFault[];
}

/** The scopes a new authorization must ask for: granted and missing, once each, in Strava's order (so the same fix reads the same wherever it is printed). */
export function scopesToRequest(granted: readonly string[], missing: readonly string[]): string[] {
  const order = (scope: string) => ((SCOPES as readonly string[]).indexOf(scope) + SCOPES.length + 1) % (SCOPES.length + 1);
  return [...new Set([...granted, ...missing])].sort((a, b) => order(a) - order(b));
}

/**
 * The token lacks a scope the call needs: found before the request is sent (preflight) or reported
 * by Strava (`401 AccessToken/activity:read_permission/missing`). Either way a `StravaApiError`
 * with status 401 (a preflight saves the request Strava would refuse so); `preflight` tells them
 * apart. Names the scope and how to get it.
 */
export class MissingScopeError extends StravaApiError {
  readonly missing: readonly string[];
  readonly granted: readonly string[];
  /** The scopes a new authorization must ask for: granted and missing, in Strava's order. */
  readonly scopesToRequest: readonly string[];
  readonly endpoint: string | undefined;
  /** The command named in the remedy, when one was configured. */
  readonly loginCommand: string | undefined;
  /** True when found before sending (no request was made); false when Strava answered it. */
  readonly preflight: boolean;

  constructor(options: MissingScopeErrorOptions) {
    const wanted = scopesToRequest(options.granted, options.missing);
    const loginCommand = loginCommandFor(options.loginCommand, wanted);
    const scopes = options.missing.join(', ');
    const call = options.endpoint ? `${options.endpoint} needs` : 'This call needs';
    super(
      `${call} the ${scopes} scope${options.missing.length > 1 ? 's' : ''}, but the token only has ${options.granted.join(', ') || 'no scopes'}.`,
      {
        code: 'missing_scope',
        remedy: loginCommand
          ? `Log in again asking for it and leave its box ticked on Strava's consent page: ${loginCommand}`
          : `Ask the athlete to authorize the app again with scope=${wanted.join(',')} and to leave its box ticked on Strava's consent page.`,
        status: options.status ?? 401,
        ...(options.faults && { faults: options.faults }),
      },
    );
    this.missing = Object.freeze([...options.missing]);
    this.granted = Object.freeze([...options.granted]);
    this.scopesToRequest = Object.freeze(wanted);
    this.endpoint = options.endpoint;
    this.loginCommand = loginCommand;
    this.preflight = options.status === undefined;
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      missing: this.missing,
      granted: this.granted,
      scopesToRequest: this.scopesToRequest,
      endpoint: this.endpoint,
      loginCommand: this.loginCommand,
      preflight: this.preflight,
    };
  }
}

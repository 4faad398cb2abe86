import { StravaAuthError } from '../../core/errors/strava-auth-error.ts';

/**
 * A request one of our HTTP servers refuses before (or while) reading it: a malformed target,
 * a foreign Host, a body over the cap, a body cut short. Carries the 4xx status to answer with;
 * the message names what was wrong, never a value from the request (it may hold a secret).
 */
export class RequestRejectedError extends StravaAuthError {
  /** The 4xx status to answer with. */
  readonly status: number;
  /** The part of the request at fault: `target`, `host`, `body`, a header name... */
  readonly field: string;

  constructor(status: number, field: string, problem: string) {
    super(problem, {
      code: 'request_rejected',
      remedy: 'Send a well-formed HTTP/1.1 request to this local server (origin-form path, Host 127.0.0.1 or localhost with its port).',
    });
    this.status = status;
    this.field = field;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), status: this.status, field: this.field };
  }
}

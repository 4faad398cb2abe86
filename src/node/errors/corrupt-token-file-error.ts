import { StravaAuthError } from '../../core/errors/strava-auth-error.ts';

/**
 * A token file could not be read back: not JSON, a field missing or of the wrong type, or a
 * format from a newer strava-auth. The file is left exactly as it is (it may be a hand edit worth
 * keeping); the message names the file and the problem, never a value from it.
 */
export class CorruptTokenFileError extends StravaAuthError {
  readonly path: string;
  /** What is wrong, e.g. `tokens.refreshToken is missing`. */
  readonly problem: string;

  /** @param options.loginCommand the command (or page) that logs in again, named in the remedy when set. */
  constructor(path: string, problem: string, options: { loginCommand?: string | undefined } = {}) {
    super(`The token file ${path} is unusable: ${problem}.`, {
      code: 'corrupt_token_file',
      remedy: `Fix the file by hand, or delete it and ${options.loginCommand ? `log in again (${options.loginCommand})` : 'ask the athlete to authorize the app again'}. It is never overwritten automatically.`,
    });
    this.path = path;
    this.problem = problem;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), path: this.path, problem: this.problem };
  }
}

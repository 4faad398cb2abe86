import { StravaAuthError } from './strava-auth-error.ts';

/** A callback URL Strava would refuse: not an absolute http(s) URL, userinfo in it, or over 255 characters. */
export class InvalidCallbackUrlError extends StravaAuthError {
  constructor(problem: string) {
    super(`The callback URL ${problem}.`, {
      code: 'invalid_callback_url',
      remedy: 'Pass the absolute https:// address of your webhook endpoint (at most 255 characters), e.g. https://app.example.com/webhook.',
    });
  }
}

/**
 * What README examples leave to the reader, supplied when test/readme-examples.test.ts runs them:
 * the app's credentials, tokens kept by another library, a browser, a console that is captured.
 * Generated example files read it as `harness`; the test fills it in before importing them.
 */
export interface ReadmeHarness {
  clientId: number;
  clientSecret: string;
  /** Tokens as stravalib or strava-v3 keep them (Strava's own JSON). */
  access_token: string;
  refresh_token: string;
  expires_at: number;
  scope: string;
  /** The athlete's browser: follows an authorize URL through the consent page, returns the callback URL. */
  browser: (authorizeUrl: URL | string) => Promise<string>;
  /** Where the examples' `console.log` lines go. */
  console: { log: (...args: unknown[]) => void };
}

const unset = (): never => {
  throw new Error('The README harness was not set up: run the examples through test/readme-examples.test.ts.');
};

export const harness: ReadmeHarness = {
  clientId: 0,
  clientSecret: '',
  access_token: '',
  refresh_token: '',
  expires_at: 0,
  scope: '',
  browser: unset,
  console: { log: unset },
};

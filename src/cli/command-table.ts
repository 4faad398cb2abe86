import type { Command, CommandGroup } from './command.ts';

/**
 * Every command, loaded on demand so `strava-auth token` pays only for what it uses. `rawStdout`:
 * the command's stdout is passed through unredacted (`token` prints the token asked for; `api`
 * prints the data byte for byte); stderr is always redacted.
 */
export const COMMANDS: Record<string, { summary: string; load: () => Promise<Command | CommandGroup>; rawStdout?: boolean }> = {
  login: { summary: 'Log in to Strava in the browser and store the tokens', load: () => import('./commands/login.ts').then((m) => m.command) },
  token: { summary: 'Print a valid access token (refreshing it if needed)', load: () => import('./commands/token.ts').then((m) => m.command), rawStdout: true },
  status: { summary: 'Show who is logged in, the scopes and when the token expires', load: () => import('./commands/status.ts').then((m) => m.command) },
  refresh: { summary: 'Refresh the tokens now', load: () => import('./commands/refresh.ts').then((m) => m.command) },
  logout: { summary: 'Revoke access at Strava and forget the tokens', load: () => import('./commands/logout.ts').then((m) => m.command) },
  api: { summary: 'Call the Strava API with the stored token', load: () => import('./commands/api.ts').then((m) => m.command), rawStdout: true },
  upload: { summary: 'Upload a FIT, GPX or TCX file and wait for the activity', load: () => import('./commands/upload.ts').then((m) => m.command) },
  scopes: { summary: 'List the scopes and what each endpoint needs', load: () => import('./commands/scopes.ts').then((m) => m.command) },
  url: { summary: 'Print an authorize URL for a redirect URI of your choosing', load: () => import('./commands/url.ts').then((m) => m.command) },
  exchange: { summary: 'Exchange a code (or the redirected URL) for tokens', load: () => import('./commands/exchange.ts').then((m) => m.command) },
  emulator: { summary: 'Run the built-in Strava emulator on 127.0.0.1', load: () => import('./commands/emulator.ts').then((m) => m.command) },
  tokens: { summary: 'Move tokens between stores, or re-encrypt a store after a key rotation', load: () => import('./commands/tokens.ts').then((m) => m.command) },
  serve: { summary: 'Run the token service for many athletes (connect, token API, webhooks)', load: () => import('./commands/serve.ts').then((m) => m.command) },
  webhooks: { summary: 'Create, list or delete the push subscription (webhook events)', load: () => import('./commands/webhooks.ts').then((m) => m.command) },
  completion: { summary: 'Print a shell completion script (bash, zsh or fish)', load: () => import('./commands/completion.ts').then((m) => m.command) },
};

/** Whether a loaded module is a group of subcommands. */
export function isGroup(command: Command | CommandGroup): command is CommandGroup {
  return 'subcommands' in command;
}

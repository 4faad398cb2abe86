import type { Command } from '../main.ts';
import { HelpRequested, UsageError } from '../usage-error.ts';

const HELP = `Usage: strava-auth webhooks <subcommand> [flags]

Manages the app's push subscription: Strava POSTs events about its athletes (new activities,
an athlete removing the app) to one callback URL. One subscription per app.

Subcommands:
  create --callback-url URL [--verify-token T] [--json]   subscribe (Strava checks the callback first)
  list [--json]                                           show the subscription
  delete ID                                               unsubscribe

Uses STRAVA_CLIENT_ID / STRAVA_CLIENT_SECRET and STRAVA_BASE_URL like the other commands, or
--emulator. Run strava-auth webhooks <subcommand> --help for its flags.
`;

export const command: Command = {
  summary: 'Create, list or delete the push subscription (webhook events)',
  async run(argv, io) {
    const [name, ...rest] = argv;
    if (name === 'create') return (await import('./webhooks/create.ts')).create(rest, io);
    if (name === 'list') return (await import('./webhooks/list.ts')).list(rest, io);
    if (name === 'delete') return (await import('./webhooks/delete.ts')).remove(rest, io);
    if (name === '--help' || name === '-h') throw new HelpRequested(HELP);
    throw new UsageError(name === undefined ? 'webhooks needs a subcommand: create, list or delete.' : `"${name}" is not a webhooks subcommand; use create, list or delete.`);
  },
};

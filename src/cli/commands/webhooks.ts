import type { CommandGroup } from '../command.ts';

export const command: CommandGroup = {
  spec: {
    name: 'webhooks',
    description: `Manages the app's push subscription: Strava POSTs events about its athletes (new activities,
an athlete removing the app) to one callback URL. One subscription per app. Uses STRAVA_CLIENT_ID /
STRAVA_CLIENT_SECRET and STRAVA_BASE_URL like the other commands, or --emulator.`,
    flags: {},
    subcommands: [
      ['create', 'subscribe (Strava checks the callback first): --callback-url URL [--verify-token T]'],
      ['list', 'show the subscription'],
      ['delete', 'unsubscribe: delete ID'],
    ],
  },
  subcommands: {
    create: () => import('./webhooks/create.ts').then((m) => m.command),
    list: () => import('./webhooks/list.ts').then((m) => m.command),
    delete: () => import('./webhooks/delete.ts').then((m) => m.command),
  },
};

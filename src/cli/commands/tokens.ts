import type { CommandGroup } from '../command.ts';

export const command: CommandGroup = {
  spec: {
    name: 'tokens',
    description: 'Works on whole token stores (directories of token files, SQLite, PostgreSQL), not one profile.',
    flags: {},
    subcommands: [
      ['migrate', 'copy every record from one store into another (--from STORE --to STORE)'],
      ['reencrypt', 'rewrite every record encrypted with the current STRAVA_AUTH_ENCRYPTION_KEY'],
    ],
  },
  subcommands: {
    migrate: () => import('./tokens/migrate.ts').then((m) => m.command),
    reencrypt: () => import('./tokens/reencrypt.ts').then((m) => m.command),
  },
};

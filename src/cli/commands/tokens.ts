import type { Command } from '../main.ts';
import { HelpRequested, UsageError } from '../usage-error.ts';

const HELP = `Usage: strava-auth tokens <subcommand> [flags]

Works on whole token stores (directories of token files, SQLite, PostgreSQL), not one profile.

Subcommands:
  migrate     copy every record from one store into another (--from STORE --to STORE)
  reencrypt   rewrite every record encrypted with the current STRAVA_AUTH_ENCRYPTION_KEY

Run strava-auth tokens <subcommand> --help for its flags.
`;

export const command: Command = {
  summary: 'Move tokens between stores, or re-encrypt a store after a key rotation',
  async run(argv, io) {
    const [name, ...rest] = argv;
    if (name === 'migrate') return (await import('./tokens/migrate.ts')).migrate(rest, io);
    if (name === 'reencrypt') return (await import('./tokens/reencrypt.ts')).reencrypt(rest, io);
    if (name === '--help' || name === '-h') throw new HelpRequested(HELP);
    throw new UsageError(name === undefined ? 'tokens needs a subcommand: migrate or reencrypt.' : `"${name}" is not a tokens subcommand; use migrate or reencrypt.`);
  },
};

import { deletePushSubscription } from '../../../core/push-subscriptions.ts';
import { parseCommandArgs } from '../../args.ts';
import { EXIT, EXIT_CODES_HELP } from '../../exit-codes.ts';
import type { Io } from '../../io.ts';
import { UsageError } from '../../usage-error.ts';
import { withSession } from '../../with-session.ts';
import { subscriptionConfig } from './subscription-config.ts';

const HELP = `Usage: strava-auth webhooks delete ID

Deletes push subscription ID (see strava-auth webhooks list): Strava stops sending events.

Flags:
      --emulator   use the built-in emulator

${EXIT_CODES_HELP}
`;

/** `strava-auth webhooks delete ID`. */
export async function remove(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {}, HELP, true);
  const raw = positionals[0];
  if (positionals.length !== 1 || raw === undefined) throw new UsageError('webhooks delete takes one argument: the subscription id (see strava-auth webhooks list).');
  if (!/^[1-9]\d{0,14}$/.test(raw)) throw new UsageError(`"${raw.slice(0, 40)}" is not a subscription id (a positive number).`);
  return withSession(io, values, async (session) => {
    await deletePushSubscription(await subscriptionConfig(session), Number(raw));
    io.stderr.write(`${session.style.green('✓')} Deleted push subscription ${raw}: Strava no longer sends events.\n`);
    return EXIT.ok;
  });
}

import { listPushSubscriptions } from '../../../core/push-subscriptions.ts';
import { parseCommandArgs } from '../../args.ts';
import { EXIT, EXIT_CODES_HELP } from '../../exit-codes.ts';
import type { Io } from '../../io.ts';
import { withSession } from '../../with-session.ts';
import { describeSubscription, subscriptionConfig } from './subscription-config.ts';

const HELP = `Usage: strava-auth webhooks list [--json]

Shows the app's push subscription (Strava allows one): its id, callback URL and creation time,
one per line on stdout; nothing (and a note on stderr) when there is none.

Flags:
      --json       print the list as a JSON array on stdout
      --emulator   use the built-in emulator

${EXIT_CODES_HELP}
`;

/** `strava-auth webhooks list`. */
export async function list(argv: string[], io: Io): Promise<number> {
  const { values } = parseCommandArgs(argv, { json: { type: 'boolean' } }, HELP);
  return withSession(io, values, async (session) => {
    const subscriptions = await listPushSubscriptions(await subscriptionConfig(session));
    if (values.json) io.stdout.write(`${JSON.stringify(subscriptions)}\n`);
    else for (const subscription of subscriptions) io.stdout.write(`${describeSubscription(subscription)}\n`);
    if (subscriptions.length === 0 && !values.json) {
      io.stderr.write('No push subscription for this app. Create one: strava-auth webhooks create --callback-url URL\n');
    }
    return EXIT.ok;
  });
}

import { listPushSubscriptions } from '../../../core/push-subscriptions.ts';
import type { Command, CommandDeps } from '../../command.ts';
import { EXIT } from '../../exit-codes.ts';
import { emulatorFlag, jsonFlag, type CommandSpec, type FlagValues } from '../../flag-spec.ts';
import { parseFlags } from '../../parse-flags.ts';
import { withSession } from '../../with-session.ts';
import { describeSubscription, subscriptionConfig } from './subscription-config.ts';

export const spec = {
  name: 'webhooks list',
  description: `Shows the app's push subscription (Strava allows one): its id, callback URL and creation time,
one per line on stdout; nothing (and a note on stderr) when there is none.`,
  flags: {
    json: jsonFlag('print the list as a JSON array on stdout'),
    emulator: emulatorFlag('use the built-in emulator'),
  },
} as const satisfies CommandSpec;

export type ListOptions = FlagValues<typeof spec.flags>;

/** `strava-auth webhooks list`. */
async function run(values: ListOptions, deps: CommandDeps): Promise<number> {
  const { io } = deps;
  return withSession(deps, values, async (session) => {
    const subscriptions = await listPushSubscriptions(await subscriptionConfig(session));
    if (values.json) io.stdout.write(`${JSON.stringify(subscriptions)}\n`);
    else for (const subscription of subscriptions) io.stdout.write(`${describeSubscription(subscription)}\n`);
    if (subscriptions.length === 0 && !values.json) {
      io.stderr.write('No push subscription for this app. Create one: strava-auth webhooks create --callback-url URL\n');
    }
    return EXIT.ok;
  });
}

export const command: Command<ListOptions> = { spec, parse: (argv) => parseFlags(spec, argv).values, run };

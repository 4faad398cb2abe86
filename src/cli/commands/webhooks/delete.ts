import { deletePushSubscription } from '../../../core/push-subscriptions.ts';
import type { Command, CommandDeps } from '../../command.ts';
import { EXIT } from '../../exit-codes.ts';
import { emulatorFlag, type CommandSpec, type FlagValues } from '../../flag-spec.ts';
import { parseFlags } from '../../parse-flags.ts';
import { UsageError } from '../../usage-error.ts';
import { withSession } from '../../with-session.ts';
import { subscriptionConfig } from './subscription-config.ts';

export const spec = {
  name: 'webhooks delete',
  args: 'ID',
  description: 'Deletes push subscription ID (see strava-auth webhooks list): Strava stops sending events.',
  flags: {
    emulator: emulatorFlag('use the built-in emulator'),
  },
} as const satisfies CommandSpec;

export interface DeleteOptions extends FlagValues<typeof spec.flags> {
  id: number;
}

/** `webhooks delete`'s command line to its options: one subscription id. */
export function parse(argv: string[]): DeleteOptions {
  const { values, positionals } = parseFlags(spec, argv);
  const raw = positionals[0];
  if (positionals.length !== 1 || raw === undefined) throw new UsageError('webhooks delete takes one argument: the subscription id (see strava-auth webhooks list).');
  if (!/^[1-9]\d{0,14}$/.test(raw)) throw new UsageError(`"${raw.slice(0, 40)}" is not a subscription id (a positive number).`);
  return { ...values, id: Number(raw) };
}

/** `strava-auth webhooks delete ID`. */
async function run(values: DeleteOptions, deps: CommandDeps): Promise<number> {
  const { io } = deps;
  const raw = values.id;
  return withSession(deps, values, async (session) => {
    await deletePushSubscription(await subscriptionConfig(session), raw);
    io.stderr.write(`${session.style.green('✓')} Deleted push subscription ${raw}: Strava no longer sends events.\n`);
    return EXIT.ok;
  });
}

export const command: Command<DeleteOptions> = { spec, parse, run };

import { checkCallbackUrl, createPushSubscription } from '../../../core/push-subscriptions.ts';
import { InvalidCallbackUrlError } from '../../../core/errors/invalid-callback-url-error.ts';
import type { Command, CommandDeps } from '../../command.ts';
import { EXIT } from '../../exit-codes.ts';
import { emulatorFlag, jsonFlag, type CommandSpec, type FlagValues } from '../../flag-spec.ts';
import { parseFlags } from '../../parse-flags.ts';
import type { Io } from '../../io.ts';
import { UsageError } from '../../usage-error.ts';
import { withSession } from '../../with-session.ts';
import { describeSubscription, subscriptionConfig } from './subscription-config.ts';

export const spec = {
  name: 'webhooks create',
  description: `Creates the app's push subscription. Strava first checks the callback: it sends
GET URL?hub.mode=subscribe&hub.challenge=X&hub.verify_token=T, which must answer 200 with
{"hub.challenge":"X"} within 2 seconds (strava-auth serve does, at /webhook). Start the callback
before running this. Prints the subscription id on stdout.`,
  flags: {
    'callback-url': { type: 'string', required: true, example: 'https://app.example.com/webhook', value: 'URL', description: 'where Strava POSTs events (absolute https URL, at most 255 characters)' },
    'verify-token': { type: 'string', value: 'T', description: 'the token the callback checks (default: $STRAVA_WEBHOOK_VERIFY_TOKEN)' },
    json: jsonFlag('print the subscription as JSON on stdout'),
    emulator: emulatorFlag('use the built-in emulator'),
  },
  more: `Example:
  STRAVA_WEBHOOK_VERIFY_TOKEN=$(openssl rand -hex 16) strava-auth serve --public-url https://app.example.com &
  strava-auth webhooks create --callback-url https://app.example.com/webhook`,
} as const satisfies CommandSpec;

export interface CreateOptions extends FlagValues<typeof spec.flags> {
  callbackUrl: string;
  verifyToken: string;
}

/** `webhooks create`'s command line to its options: the callback URL checked, a verify token found. */
export function parse(argv: string[], io: Io): CreateOptions {
  const { values } = parseFlags(spec, argv); // no positionals: the spec takes none, so parseFlags refuses them
  const callbackUrl = values['callback-url'];
  try {
    checkCallbackUrl(callbackUrl);
  } catch (error) {
    if (error instanceof InvalidCallbackUrlError) throw new UsageError(error.message);
    throw error;
  }
  const verifyToken = values['verify-token'] || io.env.STRAVA_WEBHOOK_VERIFY_TOKEN;
  if (!verifyToken) {
    throw new UsageError('webhooks create needs a verify token: --verify-token T or STRAVA_WEBHOOK_VERIFY_TOKEN (the same one your callback checks).');
  }
  return { ...values, callbackUrl, verifyToken };
}

/** `strava-auth webhooks create`. */
async function run(values: CreateOptions, deps: CommandDeps): Promise<number> {
  const { io } = deps;
  const { callbackUrl, verifyToken } = values;
  return withSession(deps, values, async (session) => {
    io.stderr.write(`Asking Strava to subscribe ${callbackUrl} (it checks the callback first, 2 s at most)...\n`);
    const subscription = await createPushSubscription(await subscriptionConfig(session), { callbackUrl, verifyToken });
    if (values.json) io.stdout.write(`${JSON.stringify(subscription)}\n`);
    else io.stdout.write(`${subscription.id}\n`);
    io.stderr.write(`${session.style.green('✓')} Push subscription ${describeSubscription(subscription)}. Strava now POSTs events there.\n`);
    return EXIT.ok;
  });
}

export const command: Command<CreateOptions> = { spec, parse, run };

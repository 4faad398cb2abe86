import { checkCallbackUrl, createPushSubscription } from '../../../core/push-subscriptions.ts';
import { InvalidCallbackUrlError } from '../../../core/errors/invalid-callback-url-error.ts';
import { parseCommandArgs } from '../../args.ts';
import { EXIT, EXIT_CODES_HELP } from '../../exit-codes.ts';
import type { Io } from '../../io.ts';
import { UsageError } from '../../usage-error.ts';
import { withSession } from '../../with-session.ts';
import { describeSubscription, subscriptionConfig } from './subscription-config.ts';

const HELP = `Usage: strava-auth webhooks create --callback-url URL [--verify-token T] [--json]

Creates the app's push subscription. Strava first checks the callback: it sends
GET URL?hub.mode=subscribe&hub.challenge=X&hub.verify_token=T, which must answer 200 with
{"hub.challenge":"X"} within 2 seconds (strava-auth serve does, at /webhook). Start the callback
before running this. Prints the subscription id on stdout.

Flags:
      --callback-url URL   where Strava POSTs events (absolute https URL, at most 255 characters)
      --verify-token T     the token the callback checks (default: $STRAVA_WEBHOOK_VERIFY_TOKEN)
      --json               print the subscription as JSON on stdout
      --emulator           use the built-in emulator

Example:
  STRAVA_WEBHOOK_VERIFY_TOKEN=$(openssl rand -hex 16) strava-auth serve --public-url https://app.example.com &
  strava-auth webhooks create --callback-url https://app.example.com/webhook

${EXIT_CODES_HELP}
`;

/** `strava-auth webhooks create`. */
export async function create(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    { 'callback-url': { type: 'string' }, 'verify-token': { type: 'string' }, json: { type: 'boolean' } },
    HELP,
    true,
  );
  if (positionals.length > 0) throw new UsageError(`webhooks create takes no arguments; pass the URL as --callback-url.`);
  const callbackUrl = values['callback-url'];
  if (!callbackUrl) throw new UsageError('webhooks create needs --callback-url URL (where Strava POSTs events).');
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
  return withSession(io, values, async (session) => {
    io.stderr.write(`Asking Strava to subscribe ${callbackUrl} (it checks the callback first, 2 s at most)...\n`);
    const subscription = await createPushSubscription(await subscriptionConfig(session), { callbackUrl, verifyToken });
    if (values.json) io.stdout.write(`${JSON.stringify(subscription)}\n`);
    else io.stdout.write(`${subscription.id}\n`);
    io.stderr.write(`${session.style.green('✓')} Push subscription ${describeSubscription(subscription)}. Strava now POSTs events there.\n`);
    return EXIT.ok;
  });
}

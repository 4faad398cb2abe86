import { ENDPOINT_SCOPES } from '../core/endpoint-scopes.ts';
import { escapeControlCharacters } from '../core/terminal-text.ts';
import { missingScopes, type Scope } from '../core/scopes.ts';
import { type TokenSet } from '../core/token-set.ts';
import type { Credentials } from './credentials.ts';
import { EXIT } from './exit-codes.ts';
import { writeProfile } from './profile.ts';
import type { Session } from './session.ts';

/** Who a token set belongs to, in words, safe for a terminal (the name is Strava's text). */
export function athleteName(tokens: TokenSet): string {
  const a = tokens.athlete;
  if (!a) return 'an unknown athlete';
  const name = escapeControlCharacters([a.firstname, a.lastname].filter(Boolean).join(' '));
  return name ? `${name} (athlete ${a.id})` : `athlete ${a.id}`;
}

/** The endpoints that need `scope`: on every call, or for private (Only You) objects. */
export function endpointsNeeding(scope: Scope): { always: string[]; forPrivate: string[] } {
  const name = (rule: (typeof ENDPOINT_SCOPES)[number]) => `${rule.method} ${rule.path}`;
  return {
    always: ENDPOINT_SCOPES.filter((rule) => rule.needs.includes(scope)).map(name),
    forPrivate: ENDPOINT_SCOPES.filter((rule) => rule.forPrivate?.includes(scope)).map(name),
  };
}

/**
 * Stores the tokens of a finished login and the profile's settings, then tells the person what
 * they got. Returns the exit code: 0, or 4 when the athlete unticked a requested scope (the
 * tokens are stored as granted either way).
 */
export async function saveLogin(
  session: Session,
  tokens: TokenSet,
  context: { requested: readonly Scope[]; credentials: Credentials; json: boolean; scopesKnown?: boolean },
): Promise<number> {
  const { io, style } = session;
  const store = await session.store();
  const previous = await store.get(session.profile).catch(() => undefined);
  await store.set(session.profile, { tokens: tokens.toData(), updatedAt: Date.now() });
  const config = { ...(await session.config()) };
  config.clientId = context.credentials.clientId;
  // A secret typed at the prompt is saved (0600) so the next refresh works; one from the
  // environment or .env stays where the person keeps it.
  if (context.credentials.source === 'prompt') config.clientSecret = context.credentials.clientSecret;
  const emulator = await session.usesEmulator();
  if (emulator) config.emulator = true;
  else delete config.emulator;
  if (!emulator && io.env.STRAVA_BASE_URL) config.baseUrl = io.env.STRAVA_BASE_URL;
  else delete config.baseUrl;
  await writeProfile(session.configDir, session.profile, config);

  const missing = missingScopes(context.requested, tokens.scopes);
  const fix = session.loginCommand([...new Set([...tokens.scopes, ...context.requested])]);
  if (context.json) {
    io.stdout.write(
      `${JSON.stringify({
        profile: session.profile,
        athlete: tokens.athlete ? { id: tokens.athlete.id, firstname: tokens.athlete.firstname, lastname: tokens.athlete.lastname } : null,
        scopes: tokens.scopes,
        missingScopes: missing,
        expiresAt: new Date(tokens.expiresAt * 1000).toISOString(),
        emulator,
        ...(missing.length ? { fix } : {}),
      })}\n`,
    );
  }
  const lines: string[] = [];
  if (previous && previous.tokens.athlete?.id !== tokens.athlete?.id) {
    lines.push(`Replaced the previous login of profile "${session.profile}" (athlete ${previous.tokens.athlete?.id ?? 'unknown'}).`);
  }
  lines.push(`${style.green('✓')} Logged in${emulator ? ' to the built-in emulator' : ''} as ${athleteName(tokens)} on profile "${session.profile}".`);
  lines.push(`  Granted scopes: ${tokens.scopes.join(', ')}${context.scopesKnown === false ? ' (assumed: a bare code does not say; paste the whole address to be sure)' : ''}`);
  if (missing.length) {
    lines.push(`${style.yellow('!')} The athlete did not grant ${missing.join(', ')} (the box was unticked on Strava's consent page).`);
    for (const scope of missing) {
      const { always, forPrivate } = endpointsNeeding(scope);
      if (always.length) lines.push(`  Without ${scope} these calls fail: ${always.join(', ')}.`);
      if (forPrivate.length) lines.push(`  Without ${scope} private (Only You) objects are refused or left out of: ${forPrivate.join(', ')}.`);
    }
    lines.push(`  To grant ${missing.length > 1 ? 'them' : 'it'}, run: ${fix}`);
    lines.push('  and leave every box ticked.');
  }
  const where = { environment: 'STRAVA_CLIENT_SECRET', '.env': `${io.cwd}/.env` } as const;
  if (context.credentials.source === 'environment' || context.credentials.source === '.env') {
    // The secret was not saved: say what a new shell (or another directory) needs to refresh.
    lines.push(
      `  The client secret came from ${where[context.credentials.source]} and was not saved: the token works anywhere until it expires, but refreshing it needs ${context.credentials.source === 'environment' ? 'STRAVA_CLIENT_SECRET exported in that shell too (or ./.env there)' : 'that .env in the directory you run from (or STRAVA_CLIENT_SECRET exported)'}. To save it in the profile instead, unset it and run strava-auth login in a terminal.`,
    );
  }
  io.stderr.write(`${lines.join('\n')}\n`);
  return missing.length ? EXIT.scope : EXIT.ok;
}

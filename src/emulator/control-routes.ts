/**
 * `/_emulator/...`: the emulator's remote control, so another process (a bench's workers, a test
 * in another language, the CLI) can do what the `Emulator` object does in-process. JSON in, JSON
 * out; errors use Strava's error shape with resource `Emulator`. Not counted in stats.
 */
import type { EmulatorContext } from './context.ts';
import { InvalidControlValueError, checkNumber } from './control-value.ts';
import { badRequest } from './errors.ts';
import { empty, fail, json, type EmulatorRequest, type EmulatorResponse } from './http.ts';
import { issueTokens } from './issue-tokens.ts';
import type { Router } from './router.ts';
import { validateConsentPolicy } from './settings.ts';
import type { IssueTokensOptions } from './types.ts';

const CENTURY_SECONDS = 100 * 365 * 86_400;

/** Adds the control routes to `router`. */
export function registerControlRoutes(router: Router, ctx: EmulatorContext): void {
  const control = { control: true };
  router.add('GET', '/_emulator', () => json(200, describe(ctx)), control);
  router.add('GET', '/_emulator/stats', () => json(200, ctx.stats.snapshot()), control);
  router.add(
    'POST',
    '/_emulator/stats/reset',
    () => {
      ctx.stats.reset();
      return empty(204);
    },
    control,
  );
  router.add(
    'POST',
    '/_emulator/consent',
    withJsonBody('consent', (body) => {
      ctx.settings.consent = validateConsentPolicy(body);
      return json(200, { consent: ctx.settings.consent });
    }),
    control,
  );
  router.add(
    'POST',
    '/_emulator/clock',
    withJsonBody('advance', (body) => {
      // A century either way (never before 1970): far enough for any token test, and every
      // `expires_at` stays a number a Date can hold.
      const min = Math.max(-CENTURY_SECONDS, -Math.floor(ctx.clock.now() / 1000));
      const advance = checkNumber((body as { advance?: unknown } | null)?.advance, 'advance', { min, max: CENTURY_SECONDS });
      ctx.clock.advance(advance);
      return json(200, clockTime(ctx));
    }),
    control,
  );
  // Who a token speaks for, judged exactly as the API will (Strava has no such endpoint; tests
  // and other processes use it to ask "is this token still valid?" without side effects).
  router.add(
    'GET',
    '/_emulator/introspect',
    (req) => {
      const check = ctx.state.authenticate(req.headers.authorization);
      if (!check.ok) return fail(check.failure);
      return json(200, { athleteId: check.athlete.id, clientId: check.clientId, scopes: check.scopes, expiresAt: check.expiresAt });
    },
    control,
  );
  router.add(
    'POST',
    '/_emulator/tokens',
    withJsonBody('tokens', (body) => json(200, issueTokens(ctx, (body ?? {}) as IssueTokensOptions))),
    control,
  );
}

/** What `GET /_emulator` answers: enough for another process to configure a client. */
function describe(ctx: EmulatorContext): Record<string, unknown> {
  return {
    url: ctx.url,
    oauthUrl: `${ctx.url}/oauth`,
    apiUrl: `${ctx.url}/api/v3`,
    clientId: ctx.defaultApp.clientId,
    clientSecret: ctx.defaultApp.clientSecret,
    callbackDomain: ctx.defaultApp.callbackDomain,
    consent: ctx.settings.consent,
    rotateRefreshTokens: ctx.settings.rotateRefreshTokens,
    ...clockTime(ctx),
  };
}

function clockTime(ctx: EmulatorContext): { now: number; nowMs: number } {
  const nowMs = ctx.clock.now();
  return { now: Math.floor(nowMs / 1000), nowMs };
}

/**
 * Parses the JSON body (empty reads as null) and turns a thrown Error into a 400 naming `field`
 * (or the exact field of an {@link InvalidControlValueError}), with the Error's text as the
 * message so the caller learns what to send. A body labelled as anything but JSON or plain text
 * (what `fetch` sends for a string) is refused with 415.
 */
export function withJsonBody(field: string, handle: (body: unknown) => EmulatorResponse | Promise<EmulatorResponse>): (req: EmulatorRequest) => Promise<EmulatorResponse> {
  return async (req) => {
    const body = await req.readBody(); // outside the try: a 413 must stay a 413
    const contentType = String(req.headers['content-type'] ?? '').toLowerCase();
    if (body.length > 0 && contentType !== '' && !/^(application\/json|text\/plain)\s*(;|$)/.test(contentType)) {
      const failure = badRequest('Emulator', 'content-type', 'invalid');
      failure.status = 415;
      failure.body.message = 'Send the body as JSON (Content-Type: application/json).';
      return fail(failure);
    }
    try {
      const text = body.toString('utf8').trim();
      return await handle(text === '' ? null : JSON.parse(text));
    } catch (error) {
      const failure = badRequest('Emulator', error instanceof InvalidControlValueError ? error.field : field, 'invalid');
      failure.body.message = error instanceof Error ? error.message : String(error);
      return fail(failure);
    }
  };
}

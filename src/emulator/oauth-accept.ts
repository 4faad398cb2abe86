/**
 * `POST /oauth/accept`: where the consent page's form lands. Emulator-only (Strava's own form
 * target is internal): it takes the pending request by id and grants the boxes left ticked.
 */
import { approve, deny } from './consent-outcome.ts';
import { renderCapacityPage, renderStaleConsentPage } from './consent-page.ts';
import type { EmulatorContext } from './context.ts';
import { html } from './http.ts';
import type { Handler } from './router.ts';

/** The consent form handler. */
export function acceptHandler(ctx: EmulatorContext): Handler {
  return async (req) => {
    // A browser form is form-urlencoded; read it directly to keep every repeated `scope` value.
    const form = new URLSearchParams((await req.readBody()).toString('utf8'));
    const pending = ctx.state.takePendingConsent(form.get('request_id') ?? '');
    if (!pending) return html(400, renderStaleConsentPage());
    if (form.get('decision') !== 'approve') return deny(pending);
    // Another athlete may have filled the app's capacity while this page was open.
    const app = ctx.state.app(pending.clientId);
    if (app && !ctx.state.hasCapacityFor(app.clientId, pending.athleteId)) return html(403, renderCapacityPage(app));
    const ticked = new Set(form.getAll('scope'));
    // Only scopes that were asked for count: a tampered form cannot widen the grant.
    const granted = pending.scopes.filter((scope) => scope === 'read' || ticked.has(scope));
    return approve(ctx, pending, granted);
  };
}

/**
 * The HTML pages a browser sees on the authorize step: the consent page and the "athlete limit"
 * page. Plain HTML with a little inline CSS, so it works in any browser and can be read by a test
 * without one.
 */
import { SCOPE_LABELS } from './scopes.ts';
import type { PendingConsent } from './state.ts';
import type { AppConfig, SummaryAthlete } from './types.ts';

/** Path the consent form posts to. */
export const CONSENT_FORM_ACTION = '/oauth/accept';

const STYLE = `
  body { font-family: system-ui, sans-serif; background: #f7f7fa; color: #242428; margin: 0; }
  main { max-width: 30rem; margin: 3rem auto; background: #fff; border-radius: 8px; padding: 2rem;
         box-shadow: 0 1px 4px rgba(0,0,0,.12); }
  h1 { font-size: 1.4rem; margin-top: 0; }
  .brand { color: #fc5200; font-weight: 700; letter-spacing: .02em; }
  fieldset { border: 1px solid #dfdfe8; border-radius: 6px; padding: 1rem; }
  label { display: flex; gap: .6rem; align-items: flex-start; margin: .5rem 0; }
  code { font-size: .8rem; color: #6d6d78; }
  .actions { display: flex; gap: 1rem; margin-top: 1.5rem; }
  button { font: inherit; padding: .6rem 1.4rem; border-radius: 4px; border: 1px solid #fc5200; cursor: pointer; }
  button[value="approve"] { background: #fc5200; color: #fff; }
  button[value="deny"] { background: #fff; color: #fc5200; }
`;

/**
 * The consent page: app and athlete, one ticked checkbox per requested scope (`read` disabled:
 * always granted), Authorize and Cancel. The form carries only the pending request's id; the
 * server trusts nothing else from it but which boxes stayed ticked.
 */
export function renderConsentPage(app: AppConfig, athlete: SummaryAthlete, pending: PendingConsent): string {
  const boxes = pending.scopes.map((scope, i) => {
    const id = `scope-${i}`;
    const label = escapeHtml(SCOPE_LABELS[scope] ?? scope);
    const input =
      scope === 'read'
        ? `<input type="checkbox" id="${id}" checked disabled>`
        : `<input type="checkbox" id="${id}" name="scope" value="${escapeHtml(scope)}" checked>`;
    return `      <label for="${id}">${input}<span>${label} <code>${escapeHtml(scope)}</code></span></label>`;
  });
  return page(
    'Authorize application',
    `  <p class="brand">STRAVA <small>(emulator)</small></p>
  <h1>Authorize ${escapeHtml(appName(app))} to connect to Strava</h1>
  <p>Signed in as <strong>${escapeHtml(`${athlete.firstname} ${athlete.lastname}`)}</strong> (athlete ${athlete.id}).</p>
  <form method="post" action="${CONSENT_FORM_ACTION}">
    <input type="hidden" name="request_id" value="${escapeHtml(pending.id)}">
    <fieldset>
      <legend>${escapeHtml(appName(app))} will be able to:</legend>
${boxes.join('\n')}
    </fieldset>
    <div class="actions">
      <button type="submit" name="decision" value="approve">Authorize</button>
      <button type="submit" name="decision" value="deny">Cancel</button>
    </div>
  </form>`,
  );
}

/** Strava's 403 page when a new athlete would exceed the app's athlete capacity. */
export function renderCapacityPage(app: AppConfig): string {
  return page(
    'Limit of connected athletes exceeded',
    `  <p class="brand">STRAVA <small>(emulator)</small></p>
  <h1>Limit of connected athletes exceeded</h1>
  <p>${escapeHtml(appName(app))} already has as many connected athletes as it may have
  (${app.athleteCapacity ?? 0}). Its developer can ask Strava for a larger capacity.</p>`,
  );
}

/** The page for a consent form whose request is unknown or already answered. */
export function renderStaleConsentPage(): string {
  return page(
    'Authorization request expired',
    `  <h1>This authorization request has expired or was already answered</h1>
  <p>Start again from the application that sent you here.</p>`,
  );
}

function appName(app: AppConfig): string {
  return `Emulator app ${app.clientId}`;
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(title)} | Strava emulator</title>
  <style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

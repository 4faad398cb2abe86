/** The pages `strava-auth serve` shows athletes at the end of a connect. All server text is escaped. */
import { escapeHtml, htmlPage } from './html.ts';

function codes(scopes: readonly string[]): string {
  return scopes.map((scope) => `<code>${escapeHtml(scope)}</code>`).join(' ');
}

/** The athlete is connected: who, what they granted, what they unticked, and a link to ask again. */
export function connectedPage(options: { athlete: string; athleteId: number; granted: readonly string[]; missing: readonly string[]; askAgainUrl: string }): string {
  const { athlete, athleteId, granted, missing, askAgainUrl } = options;
  const missingNote = missing.length
    ? `<p><strong>Not granted:</strong> ${codes(missing)}. Some features need them.</p>` +
      `<p><a class="button" href="${escapeHtml(askAgainUrl)}">Grant the missing permissions</a></p>`
    : '';
  return htmlPage(
    missing.length ? 'Connected, with fewer permissions' : 'Connected to Strava',
    `<p><strong>${escapeHtml(athlete)}</strong> (athlete <code>${athleteId}</code>) is connected with ${codes(granted)}.</p>${missingNote}<p>You can close this tab.</p>`,
    missing.length ? 'warning' : 'ok',
  );
}

/** A connect that did not complete; `retryUrl` starts a new one. */
export function failurePage(title: string, message: string, retryUrl?: string): string {
  const retry = retryUrl ? `<p><a class="button" href="${escapeHtml(retryUrl)}">Connect again</a></p>` : '';
  return htmlPage(title, `<p>${escapeHtml(message)}</p>${retry}`, 'error');
}

/** The small pages the loopback server shows in the browser at the end of a login. */
import { escapeHtml, htmlPage as page } from '../server/html.ts';

/** Shown when the login worked. */
export function successPage(athlete: string, scopes: readonly string[], missing: readonly string[]): string {
  const missingNote = missing.length
    ? `<p><strong>Not granted:</strong> ${missing.map((s) => `<code>${escapeHtml(s)}</code>`).join(' ')}. The terminal says what that means and how to fix it.</p>`
    : '';
  return page(
    'You are logged in',
    `<p>Logged in as <strong>${escapeHtml(athlete)}</strong> with ${scopes.map((s) => `<code>${escapeHtml(s)}</code>`).join(' ')}.</p>${missingNote}<p>You can close this tab and go back to the terminal.</p>`,
    missing.length === 0 ? 'ok' : 'warning',
  );
}

/** Shown when the login failed; `message` says what happened and what to do. */
export function errorPage(title: string, message: string): string {
  return page(title, `<p>${escapeHtml(message)}</p><p>The terminal shows the same message. You can close this tab.</p>`, 'error');
}

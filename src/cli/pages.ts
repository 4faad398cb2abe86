/** The small pages the loopback server shows in the browser at the end of a login. */

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

function page(title: string, body: string, tone: 'ok' | 'warning' | 'error'): string {
  const accent = { ok: '#16a34a', warning: '#b45309', error: '#dc2626' }[tone];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · strava-auth</title>
<style>
  body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; background: #f7f7fa; color: #1f2328; margin: 0; display: grid; place-items: center; min-height: 100vh; }
  main { background: #fff; border-radius: 12px; box-shadow: 0 2px 12px rgba(0,0,0,.08); padding: 2rem 2.5rem; max-width: 34rem; border-top: 6px solid ${accent}; }
  h1 { font-size: 1.4rem; margin: 0 0 .75rem; color: ${accent}; }
  p { margin: .5rem 0; } code { background: #f0f0f3; padding: .1rem .35rem; border-radius: 4px; }
  .brand { color: #fc4c02; font-weight: 600; font-size: .85rem; letter-spacing: .04em; text-transform: uppercase; }
</style></head>
<body><main role="main"><div class="brand">strava-auth</div><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

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

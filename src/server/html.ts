/** HTML for the small pages strava-auth shows in a browser (the CLI's loopback page, the service's pages). */

/** Escapes text for HTML content and quoted attribute values. Every piece of server text goes through it. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** How a page is coloured. */
export type PageTone = 'ok' | 'warning' | 'error';

/** A complete page: `title` is escaped here; `body` must already be HTML built with {@link escapeHtml}. */
export function htmlPage(title: string, body: string, tone: PageTone): string {
  const accent = { ok: '#16a34a', warning: '#b45309', error: '#dc2626' }[tone];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · strava-auth</title>
<style>
  body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; background: #f7f7fa; color: #1f2328; margin: 0; display: grid; place-items: center; min-height: 100vh; }
  main { background: #fff; border-radius: 12px; box-shadow: 0 2px 12px rgba(0,0,0,.08); padding: 2rem 2.5rem; max-width: 34rem; border-top: 6px solid ${accent}; }
  h1 { font-size: 1.4rem; margin: 0 0 .75rem; color: ${accent}; }
  p { margin: .5rem 0; } code { background: #f0f0f3; padding: .1rem .35rem; border-radius: 4px; }
  a.button { display: inline-block; margin-top: .5rem; background: #fc4c02; color: #fff; padding: .45rem .9rem; border-radius: 6px; text-decoration: none; font-weight: 600; }
  .brand { color: #fc4c02; font-weight: 600; font-size: .85rem; letter-spacing: .04em; text-transform: uppercase; }
</style></head>
<body><main role="main"><div class="brand">strava-auth</div><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

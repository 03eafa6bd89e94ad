/**
 * Server-rendered pages (the provider's error and signed-out pages, the demo portal). Values
 * are escaped by `html`; no inline script or style, as the CSP forbids both: styling comes
 * from a stylesheet served by the worker.
 */
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export function htmlPage(opts: { title: string; stylesheet: string; body: Html; lang?: string }): Html {
  return html`<!doctype html>
<html lang="${opts.lang ?? 'vi'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${opts.title}</title>
<link rel="stylesheet" href="${opts.stylesheet}">
</head>
<body>
${opts.body}
</body>
</html>`;
}

/** The provider's own pages: a plain, readable stylesheet (served at /oidc/page.css). */
export const PROVIDER_CSS = `
:root { color-scheme: light; --red: #b3261e; --ink: #1c1b1f; --muted: #5f5b66; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f7f5f2; }
main { max-width: 34rem; margin: 0 auto; padding: 2rem 1.25rem; }
h1 { font-size: 1.375rem; line-height: 1.3; margin: 0 0 1rem; }
.card { background: #fff; border-radius: 12px; padding: 1.25rem; box-shadow: 0 1px 3px rgb(0 0 0 / 12%); }
.card.error { border-top: 4px solid var(--red); }
p { margin: 0 0 .75rem; }
.detail { color: var(--muted); font-size: .875rem; }
code { font-size: .875rem; overflow-wrap: anywhere; }
`;

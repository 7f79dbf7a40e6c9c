/**
 * The HTML document around a page's body: the CSP first in <head> (before
 * anything it governs), the one inline stylesheet, the inline scripts at
 * the end of <body>. Both the map page and the error page use it, so both
 * carry the same policy.
 */
import { contentSecurityPolicy } from './csp.js';
import { html, trusted, type Html } from './escape.js';

export interface DocumentParts {
  title: string;
  /** Attributes of <body> the scripts read (names without the data- prefix). */
  bodyData?: Readonly<Record<string, string>>;
  body: Html;
  style: string;
  scripts: readonly string[];
}

export function renderDocument(parts: DocumentParts): string {
  const csp = contentSecurityPolicy({ styles: [parts.style], scripts: parts.scripts });
  const bodyData = Object.entries(parts.bodyData ?? {}).map(([name, value]) => html` data-${name}="${value}"`);
  const scripts = parts.scripts.map((text) => html`<script>${trusted(text)}</script>`);
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${parts.title}</title>
<link rel="icon" href="data:,">
<style>${trusted(parts.style)}</style>
</head>
<body${bodyData}>
${parts.body}
${scripts}
</body>
</html>
`.markup;
}

/**
 * The page's Content-Security-Policy. It is one self-contained document:
 * nothing may load from anywhere (default-src 'none'), the one inline style
 * and the inline scripts are allowed by their SHA-256 hashes, the served
 * page may fetch its own origin, and data: images (the favicon stub) are
 * allowed. Hashes cover the exact text between the tags, so the page never
 * uses style="" attributes or inline event handlers, which no hash allows.
 */
import { createHash } from 'node:crypto';

/** CSP source expression of an inline element's text: 'sha256-<base64>'. */
export function inlineHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

export function contentSecurityPolicy(inline: { styles: readonly string[]; scripts: readonly string[] }): string {
  const sources = (texts: readonly string[]) => (texts.length === 0 ? "'none'" : texts.map(inlineHash).join(' '));
  return [
    "default-src 'none'",
    'img-src data:',
    `style-src ${sources(inline.styles)}`,
    `script-src ${sources(inline.scripts)}`,
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
}

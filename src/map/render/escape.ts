/**
 * Markup is built only through the `html` tag: every interpolated string is
 * escaped for HTML text and double-quoted attributes alike (inline SVG is
 * parsed by the HTML parser, so the same five entities cover `<text>` and
 * `<title>`). Only values that are already `Html` pass through unchanged, so
 * event-derived text (stage names, touchpoints, comments, segment values…)
 * can never become markup by forgetting a call.
 */

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for an HTML text node or a double-quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** A piece of markup that is already safe to emit. */
export class Html {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

/** What may be interpolated: text (escaped), numbers, safe markup, lists of them; null/undefined/false render nothing. */
export type HtmlValue = Html | string | number | null | undefined | false | readonly HtmlValue[];

function toMarkup(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.markup;
  if (typeof value === 'number') return escapeHtml(String(value));
  if (typeof value === 'string') return escapeHtml(value);
  return value.map(toMarkup).join('');
}

/** Tagged template: the literal parts are trusted markup, every value is escaped unless it is `Html`. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += toMarkup(values[i]!) + (strings[i + 1] ?? '');
  return new Html(out);
}

/** Joins pieces of markup (escaping any text among them). */
export function join(values: readonly HtmlValue[], separator = ''): Html {
  return new Html(values.map(toMarkup).join(separator));
}

/**
 * Wraps markup written by this renderer itself (the page's own CSS and
 * scripts, which embed no data). Never pass data through it.
 */
export function trusted(markup: string): Html {
  return new Html(markup);
}

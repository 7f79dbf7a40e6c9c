/**
 * The served page's query form: a plain GET form, so every choice is a URL
 * that can be bookmarked and the page works without JavaScript. The server
 * validates the values; the form only offers and prefills them.
 */
import { html, type Html } from './escape.js';
import type { ServedControls } from './served-controls.js';

const COMPARE_CHOICES: ReadonlyArray<[string, string]> = [
  ['', 'none'],
  ['previous', 'previous period'],
  ['7d', '7 days earlier'],
  ['30d', '30 days earlier'],
];

const LEVEL_LABELS: Readonly<Record<'session' | 'person', string>> = {
  session: 'per session',
  person: "per person's journey",
};

function option(value: string, label: string, selected: boolean): Html {
  return html`<option value="${value}"${selected ? html` selected` : null}>${label}</option>`;
}

export function renderControls(served: ServedControls): Html {
  const q = served.query;
  const segments = served.segments.includes('') ? served.segments : ['', ...served.segments];
  const segmentKnown = segments.includes(q.segment ?? '');
  return html`<nav class="controls" aria-label="Map settings">
<form method="get" action="${served.pagePath}">
<label>From<input class="when" type="text" name="from" value="${q.from ?? ''}" placeholder="YYYY-MM-DD" inputmode="numeric" autocomplete="off"></label>
<label>To<input class="when" type="text" name="to" value="${q.to ?? ''}" placeholder="YYYY-MM-DD" inputmode="numeric" autocomplete="off"></label>
<label>Level<select name="level">${served.levels.map((level) => option(level, LEVEL_LABELS[level], q.level === level))}</select></label>
<label>Segment<select name="segment">${segments.map((value) => option(value, value === '' ? 'everyone' : value, (q.segment ?? '') === value))}${
    segmentKnown ? null : option(q.segment ?? '', q.segment ?? '', true)
  }</select></label>
<label>Compare with<select name="compare">${COMPARE_CHOICES.map(([value, label]) => option(value, label, (q.compare ?? '') === value))}</select></label>
<label>A/B variant path<input type="text" name="variant" value="${q.variant ?? ''}" placeholder="properties.variant" autocomplete="off"></label>
${q.mode === undefined ? null : html`<input type="hidden" name="mode" value="${q.mode}">`}
<button type="submit">Show map</button>
</form>
</nav>`;
}

/**
 * The page head: which pipeline, which period, what one count is of (level,
 * mode), which segment, and how fresh the data is. These are the questions
 * a reader asks before trusting any number below.
 */
import type { JourneyMap } from '../journey-map.js';
import { html, type Html } from './escape.js';
import { formatInstant, formatLevel } from './format.js';

export function renderHeader(map: JourneyMap): Html {
  const facts: Array<[string, string, string]> = [
    ['period', 'Period', `${formatInstant(map.period.from)} → ${formatInstant(map.period.to)}`],
    ['level', 'Counted', formatLevel(map)],
    ['mode', 'Funnel mode', map.mode],
    ['segment', 'Segment', map.segment === null ? 'everyone' : map.segment],
    ['data-until', 'Data as of', map.data_until === null ? 'no events yet' : formatInstant(map.data_until)],
    ['generated', 'Read at', formatInstant(map.generated_at)],
  ];
  return html`<header class="page-head">
<p class="eyebrow">Customer journey map</p>
<h1 data-field="pipeline">${map.pipeline}</h1>
${map.description === '' ? null : html`<p class="desc" data-field="description">${map.description}</p>`}
<dl class="facts">${facts.map(([field, label, text]) => html`<div><dt>${label}</dt><dd data-field="${field}">${text}</dd></div>`)}</dl>
</header>`;
}

/** "About this map": what the map cannot show, in the pipeline's own sentences. */
export function renderNotes(map: JourneyMap): Html | null {
  if (map.notes.length === 0) return null;
  return html`<section class="panel" aria-labelledby="notes-h">
<h2 id="notes-h">About this map</h2>
<ul class="notes">${map.notes.map((note) => html`<li data-field="note">${note}</li>`)}</ul>
</section>`;
}

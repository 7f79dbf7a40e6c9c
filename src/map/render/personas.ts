/**
 * The map per persona (segment value): a tab strip and one panel per
 * persona. Without JavaScript the panels are stacked sections; the page
 * script shows one at a time (scripts.ts).
 */
import type { JourneyMap } from '../journey-map.js';
import { html, type Html } from './escape.js';
import { formatCount } from './format.js';
import { renderStageGrid } from './stage-grid.js';

export function renderPersonas(map: JourneyMap): Html | null {
  if (map.personas.length === 0) return null;
  const name = (value: string) => (value === '' ? '(no segment)' : value);
  const tabs = map.personas.map(
    (p, i) =>
      html`<button type="button" class="tab" role="tab" data-tab="persona-${i + 1}" aria-controls="persona-${i + 1}" aria-selected="${i === 0 ? 'true' : 'false'}">${name(p.value)}<span class="count">${formatCount(
        p.journeys,
      )}</span></button>`,
  );
  const panels = map.personas.map(
    (p, i) =>
      html`<div class="persona" role="tabpanel" id="persona-${i + 1}" data-panel data-persona="${p.value}"><h3>${name(p.value)} · ${formatCount(p.journeys)} ${map.unit}</h3>${renderStageGrid(p.stages, {
        grid: 'persona',
        unit: map.unit,
        conversionStage: map.conversion_stage,
        opportunities: null,
        caption: `Emotion curve, ${name(p.value)}`,
      })}</div>`,
  );
  return html`<section class="panel" aria-labelledby="personas-h">
<h2 id="personas-h">Personas</h2>
<p class="hint">The same map for each ${map.personas[0]!.dimension} (largest first), counted exactly as above.</p>
<div class="tabs" role="tablist">${tabs}</div>
${panels}
</section>`;
}

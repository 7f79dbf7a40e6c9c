/**
 * The journey map as one HTML document (`journeys map --out`, `journeys
 * serve`): header, the stage grid with every layer, the abandonment rules,
 * opportunities, the flow, personas and the comparison. Pure: the map
 * object in, the page out; every number comes from the JourneyMap.
 */
import type { JourneyMap } from '../journey-map.js';
import { html, type Html } from './escape.js';
import { renderHeader, renderNotes } from './header.js';
import { renderStageGrid } from './stage-grid.js';
import { renderOpportunities } from './opportunities.js';
import { renderStageSankey, renderTouchpointSteps } from './sankey.js';
import { renderPersonas } from './personas.js';
import { renderComparison } from './comparison.js';
import { renderControls } from './controls.js';
import { renderDocument } from './document.js';
import { pageStyles } from './styles.js';
import { PAGE_SCRIPT, POLL_SCRIPT } from './scripts.js';
import { figure } from './figure.js';
import { formatCount, formatDuration, formatPercent } from './format.js';
import type { ServedControls } from './served-controls.js';

export type { MapQueryText, ServedControls } from './served-controls.js';

function renderAbandonmentRules(map: JourneyMap): Html | null {
  if (map.abandonment.length === 0) return null;
  const rows = map.abandonment.map(
    (r) => html`<tr data-rule="${r.rule}"><td>${r.rule}</td><td class="text">${r.from} → ${r.to} within ${formatDuration(r.within_ms)}</td><td>${figure('started', r.started, formatCount(r.started))}</td><td>${figure(
      'pending',
      r.pending,
      formatCount(r.pending),
    )}</td><td>${figure('abandoned', r.abandoned, formatCount(r.abandoned))}</td><td>${figure('rate', r.rate, formatPercent(r.rate))}</td></tr>`,
  );
  return html`<section class="panel" aria-labelledby="abandon-h">
<h2 id="abandon-h">Abandonment</h2>
<p class="hint">Rate = abandoned ÷ (started − pending), as journeys abandonment reports it.</p>
<div class="scroll"><table class="table"><thead><tr><th>Rule</th><th class="text">Definition</th><th>Started</th><th>Pending</th><th>Abandoned</th><th>Rate</th></tr></thead><tbody>${rows}</tbody></table></div>
</section>`;
}

function renderFlow(map: JourneyMap): Html {
  return html`<section class="panel sankey" aria-labelledby="flow-h">
<h2 id="flow-h">Flow</h2>
<p class="hint">Progress moves between stages (furthest stage reached), from entry to exit; amber bands skip stages, red bands leave.</p>
<div class="scroll">${renderStageSankey(map.flow, map.stages.map((s) => s.stage), map.unit)}</div>
<details><summary>Touchpoint steps</summary><div class="scroll">${renderTouchpointSteps(map.flow)}</div></details>
</section>`;
}

function renderMain(map: JourneyMap): Html {
  const empty = map.stages.length === 0 || map.stages[0]!.funnel.entered === 0;
  const grid = empty
    ? html`<p class="empty" data-field="empty">No ${map.unit} started in this period.</p>`
    : renderStageGrid(map.stages, { grid: 'map', unit: map.unit, conversionStage: map.conversion_stage, opportunities: map.opportunities, caption: 'Emotion curve' });
  return html`<main data-data-until="${map.data_until ?? ''}" data-generated-at="${map.generated_at}">
${renderHeader(map)}
${renderNotes(map)}
<section class="panel" aria-labelledby="map-h"><h2 id="map-h">Stages</h2>${grid}</section>
${empty ? null : renderComparison(map)}
${empty ? null : renderAbandonmentRules(map)}
${empty ? null : renderOpportunities(map)}
${empty ? null : renderFlow(map)}
${empty ? null : renderPersonas(map)}
</main>`;
}

export function renderMapPage(map: JourneyMap, options: { served?: ServedControls } = {}): string {
  const served = options.served;
  return renderDocument({
    title: `Journey map · ${map.pipeline}`,
    bodyData: served ? { api: served.apiPath, 'refresh-seconds': String(served.refreshSeconds) } : {},
    body: html`${served ? renderControls(served) : null}${renderMain(map)}`,
    style: pageStyles(map.stages.length),
    scripts: served ? [PAGE_SCRIPT, POLL_SCRIPT] : [PAGE_SCRIPT],
  });
}

export function renderErrorPage(message: string, options: { served?: ServedControls } = {}): string {
  const served = options.served;
  return renderDocument({
    title: 'Journey map · error',
    body: html`${served ? renderControls(served) : null}<main><section class="panel error" role="alert"><h1>The map could not be shown</h1><pre data-field="error">${message}</pre></section></main>`,
    style: pageStyles(0),
    scripts: [],
  });
}

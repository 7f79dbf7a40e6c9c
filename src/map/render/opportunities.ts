/**
 * Opportunities: the ranked stage transitions of `journeys bottlenecks`
 * (against the previous period of equal length), each with its sentence.
 * In the grid, a stage's cell shows the transitions that leave it; below
 * the grid, the whole ranked list.
 */
import type { JourneyMap, MapOpportunity, StageColumn } from '../journey-map.js';
import { html, type Html } from './escape.js';
import { figure } from './figure.js';
import { formatCount, formatPercent, formatPValue } from './format.js';

function badges(o: MapOpportunity): Html {
  return html`${o.bottleneck ? html`<span class="badge bad">bottleneck</span>` : null}${
    o.significant ? html` <span class="badge warn">significant change</span>` : null
  }`;
}

function figures(o: MapOpportunity): Html {
  return html`conversion ${figure('opportunity_conversion', o.conversion, formatPercent(o.conversion))} (before ${figure(
    'baseline_conversion',
    o.baseline_conversion,
    formatPercent(o.baseline_conversion),
  )}) · ${figure('lost', o.lost, formatCount(o.lost))} lost · p ${figure('opportunity_p_value', o.p_value, formatPValue(o.p_value))}`;
}

export function opportunityCell(stage: StageColumn, opportunities: readonly MapOpportunity[]): Html {
  const leaving = opportunities.filter((o) => o.from_stage === stage.stage);
  if (leaving.length === 0) return html`<span class="none">—</span>`;
  return html`${leaving.map(
    (o) =>
      html`<div class="opp-cell" data-rank="${o.rank}"><span class="badge${o.bottleneck ? ' bad' : ''}">#${o.rank}</span> → ${o.to_stage}<span class="sub">${figure(
        'lost',
        o.lost,
        formatCount(o.lost),
      )} lost</span></div>`,
  )}`;
}

export function renderOpportunities(map: JourneyMap): Html {
  const list =
    map.opportunities.length === 0
      ? html`<p class="none">No transitions ranked for this period.</p>`
      : html`<ol class="opps">${map.opportunities.map(
          (o) =>
            html`<li class="opp${o.bottleneck ? ' bottleneck' : ''}" data-rank="${o.rank}"><span class="rank">${o.rank}</span><div><p class="opp-title">${o.from_stage} → ${o.to_stage} ${badges(
              o,
            )}</p><p data-field="sentence">${o.sentence}</p><p class="sub">${figures(o)}</p></div></li>`,
        )}</ol>`;
  return html`<section class="panel" aria-labelledby="opps-h">
<h2 id="opps-h">Opportunities</h2>
<p class="hint">Stage transitions ranked by ${map.unit} lost, against the previous period of equal length.</p>
${list}
</section>`;
}

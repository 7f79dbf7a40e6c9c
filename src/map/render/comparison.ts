/**
 * The comparison table: per stage, conversion to next on each side, the
 * difference, the p-value and the verdict as readJourneyMap computed them
 * (src/map/compare-stages.ts); "too few to tell" is said plainly.
 */
import type { JourneyMap } from '../journey-map.js';
import { html, type Html } from './escape.js';
import { figure } from './figure.js';
import { formatCount, formatInstant, formatPercent, formatPoints, formatPValue } from './format.js';

export function renderComparison(map: JourneyMap): Html | null {
  const c = map.comparison;
  if (c === null) return null;
  const side = (s: typeof c.a) => (c.kind === 'variant' ? `variant ${s.label}` : `${s.label} (${formatInstant(s.period.from)} → ${formatInstant(s.period.to)})`);
  const rows = c.stages.map(
    (s, i) => html`<tr data-stage="${i + 1}"><td>${s.stage}</td><td>${figure('a_at', s.a_at, formatCount(s.a_at))}</td><td>${figure('a_conversion', s.a_conversion, formatPercent(s.a_conversion))}</td><td>${figure(
      'b_at',
      s.b_at,
      formatCount(s.b_at),
    )}</td><td>${figure('b_conversion', s.b_conversion, formatPercent(s.b_conversion))}</td><td>${figure('difference', s.difference, formatPoints(s.difference))}</td><td>${figure(
      'p_value',
      s.p_value,
      formatPValue(s.p_value),
    )}</td><td class="verdict"><span class="badge ${s.verdict === 'better' ? 'good' : s.verdict === 'worse' ? 'bad' : ''}" data-figure="verdict" data-value="${s.verdict}">${s.verdict}</span></td></tr>`,
  );
  return html`<section class="panel" aria-labelledby="compare-h" data-comparison="${c.kind}">
<h2 id="compare-h">Comparison: A = ${side(c.a)}, B = ${side(c.b)}</h2>
<p class="hint">Conversion to the next stage of the ${map.unit} that were at each stage. Each stage is tested with a two-proportion z-test at ${c.alpha} ÷ stages tested (Bonferroni); under ${c.min_sample} ${map.unit} at a stage on either side there is no verdict. A: ${formatCount(c.a.journeys)} ${map.unit}, B: ${formatCount(c.b.journeys)}.</p>
<div class="scroll"><table class="table"><thead><tr><th>Stage</th><th>A at stage</th><th>A conversion</th><th>B at stage</th><th>B conversion</th><th>A − B</th><th>p</th><th class="verdict">Verdict</th></tr></thead><tbody>${rows}</tbody></table></div>
</section>`;
}

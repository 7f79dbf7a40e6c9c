/**
 * The classic journey-map emotion curve: NPS per stage, −100…100, one point
 * per stage column with its 95 % confidence interval as whiskers. Stages
 * without answers are gaps (the line breaks there) rather than zeros, which
 * would read as "neutral". Green above 0, red below. The SVG is as wide as
 * the grid's stage columns and each point sits at its column's centre, so
 * each column's labels stay inside it and labels of neighbours never meet.
 */
import type { StageColumn } from '../journey-map.js';
import { html, type Html } from './escape.js';
import { formatCount, formatNps, formatNpsInterval } from './format.js';
import { px } from './svg-text.js';

const HEIGHT = 200;
/** Room above the highest whisker for the score label and below the lowest for the interval label. */
const PAD_TOP = 30;
const PAD_BOTTOM = 30;
const GOOD = '#1a7f37';
const BAD = '#cf222e';
const NEUTRAL = '#59636e';

export function renderEmotionCurve(stages: readonly StageColumn[], columnPx: number, caption: string): Html {
  const width = stages.length * columnPx;
  const plotH = HEIGHT - PAD_TOP - PAD_BOTTOM;
  const y = (score: number) => PAD_TOP + ((100 - Math.max(-100, Math.min(100, score))) / 200) * plotH;
  const cx = (i: number) => (i + 0.5) * columnPx;
  const colorOf = (score: number) => (score > 0 ? GOOD : score < 0 ? BAD : NEUTRAL);

  const bands = html`<rect x="0" y="${px(y(100))}" width="${px(width)}" height="${px(y(0) - y(100))}" fill="#f0f9f2"/><rect x="0" y="${px(y(0))}" width="${px(width)}" height="${px(y(-100) - y(0))}" fill="#fdf1f0"/>`;
  const grid = [50, -50].map(
    (v) => html`<line x1="0" x2="${px(width)}" y1="${px(y(v))}" y2="${px(y(v))}" stroke="#d1d9e0" stroke-dasharray="3 4"/>`,
  );
  const zero = html`<line x1="0" x2="${px(width)}" y1="${px(y(0))}" y2="${px(y(0))}" stroke="#8c959f"/>`;
  const axis = ([100, 0, -100] as const).map(
    (v) => html`<text class="axis" x="4" y="${px(y(v) + (v === 100 ? 10 : v === -100 ? -3 : -3))}" font-size="10" fill="${NEUTRAL}">${formatNps(v)}</text>`,
  );

  // The line joins neighbouring stages that both have answers; a gap breaks it.
  const segments: Html[] = [];
  stages.forEach((stage, i) => {
    const a = stage.emotions.nps;
    const b = stages[i + 1]?.emotions.nps;
    if (a && b) {
      segments.push(html`<line x1="${px(cx(i))}" y1="${px(y(a.score))}" x2="${px(cx(i + 1))}" y2="${px(y(b.score))}" stroke="#57606a" stroke-width="2"/>`);
    }
  });

  const points = stages.map((stage, i) => {
    const nps = stage.emotions.nps;
    const x = cx(i);
    if (nps === null) {
      return html`<g data-stage="${stage.index}" data-figure="nps" data-value="null"><text class="label" x="${px(x)}" y="${px(y(0) - 8)}" text-anchor="middle" font-size="11" font-style="italic" fill="${NEUTRAL}">no answers</text></g>`;
    }
    const top = y(nps.ci_high);
    const bottom = y(nps.ci_low);
    const color = colorOf(nps.score);
    const title = `${stage.stage}: NPS ${formatNps(nps.score)} (95% CI ${formatNpsInterval(nps.ci_low, nps.ci_high)}), ${formatCount(nps.answers)} answers`;
    return html`<g data-stage="${stage.index}" data-figure="nps" data-value="${nps.score}"><title>${title}</title>
<line x1="${px(x)}" x2="${px(x)}" y1="${px(top)}" y2="${px(bottom)}" stroke="${color}" stroke-width="1.5"/>
<line x1="${px(x - 6)}" x2="${px(x + 6)}" y1="${px(top)}" y2="${px(top)}" stroke="${color}" stroke-width="1.5"/>
<line x1="${px(x - 6)}" x2="${px(x + 6)}" y1="${px(bottom)}" y2="${px(bottom)}" stroke="${color}" stroke-width="1.5"/>
<circle cx="${px(x)}" cy="${px(y(nps.score))}" r="5.5" fill="${color}" stroke="#fff" stroke-width="2"/>
<text class="label" x="${px(x + 12)}" y="${px(y(nps.score) + 4)}" font-size="13" font-weight="700" fill="${color}">${formatNps(nps.score)}</text>
<text class="label" x="${px(x)}" y="${px(bottom + 18)}" text-anchor="middle" font-size="10" fill="${NEUTRAL}">${formatNpsInterval(nps.ci_low, nps.ci_high)}</text></g>`;
  });

  return html`<svg width="${px(width)}" height="${HEIGHT}" viewBox="0 0 ${px(width)} ${HEIGHT}" role="img" aria-label="${caption}"><title>${caption}</title>${bands}${grid}${zero}${axis}${segments}${points}</svg>`;
}

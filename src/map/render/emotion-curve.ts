/**
 * The classic journey-map emotion curve: one point per stage column with its
 * 95 % confidence interval as whiskers, of NPS (−100…100, neutral 0) or,
 * where more stages have CSAT answers than NPS answers, of mean CSAT (1…5,
 * neutral 3): the measure the map has the most stages of. Stages without
 * answers are gaps (the line breaks there) rather than neutral points,
 * which would read as "neither". Green above neutral, red below. The SVG is
 * as wide as the grid's stage columns and each point sits at its column's
 * centre, so each column's labels stay inside it and labels of neighbours
 * never meet.
 */
import type { StageColumn } from '../journey-map.js';
import { html, type Html } from './escape.js';
import { formatCount, formatCsat, formatCsatInterval, formatNps, formatNpsInterval } from './format.js';
import { px } from './svg-text.js';

const HEIGHT = 200;
/** Room above the highest whisker for the score label and below the lowest for the interval label. */
const PAD_TOP = 30;
const PAD_BOTTOM = 30;
const GOOD = '#1a7f37';
const BAD = '#cf222e';
const NEUTRAL = '#59636e';

/** A point of the curve: the stage's figure, its interval (the figure itself when it has none) and its answers. */
interface CurvePoint {
  value: number;
  low: number;
  high: number;
  answers: number;
}

/** What the curve plots: NPS or mean CSAT, with its scale and how its numbers are written. */
export interface CurveMeasure {
  figure: 'nps' | 'csat';
  /** The row label's sub-title, e.g. "NPS, 95% CI". */
  label: string;
  min: number;
  max: number;
  neutral: number;
  /** Dashed guide lines between neutral and the ends. */
  guides: readonly number[];
  pointOf(stage: StageColumn): CurvePoint | null;
  format(value: number): string;
  formatInterval(point: CurvePoint): string | null;
}

const NPS_CURVE: CurveMeasure = {
  figure: 'nps',
  label: 'NPS, 95% CI',
  min: -100,
  max: 100,
  neutral: 0,
  guides: [50, -50],
  pointOf: ({ emotions: { nps } }) => (nps === null ? null : { value: nps.score, low: nps.ci_low, high: nps.ci_high, answers: nps.answers }),
  format: formatNps,
  formatInterval: (p) => formatNpsInterval(p.low, p.high),
};

const CSAT_CURVE: CurveMeasure = {
  figure: 'csat',
  label: 'mean CSAT (1–5), 95% CI',
  min: 1,
  max: 5,
  neutral: 3,
  guides: [4, 2],
  pointOf: ({ emotions: { csat } }) =>
    csat === null ? null : { value: csat.mean, low: csat.ci_low ?? csat.mean, high: csat.ci_high ?? csat.mean, answers: csat.answers },
  format: formatCsat,
  formatInterval: (p) => (p.low === p.high ? null : formatCsatInterval(p.low, p.high)),
};

/** NPS, unless more stages have CSAT answers than NPS answers. */
export function curveMeasureOf(stages: readonly StageColumn[]): CurveMeasure {
  const withNps = stages.filter((s) => s.emotions.nps !== null).length;
  const withCsat = stages.filter((s) => s.emotions.csat !== null).length;
  return withCsat > withNps ? CSAT_CURVE : NPS_CURVE;
}

export function renderEmotionCurve(stages: readonly StageColumn[], columnPx: number, caption: string, measure: CurveMeasure = curveMeasureOf(stages)): Html {
  const width = stages.length * columnPx;
  const plotH = HEIGHT - PAD_TOP - PAD_BOTTOM;
  const { min, max, neutral } = measure;
  const y = (value: number) => PAD_TOP + ((max - Math.max(min, Math.min(max, value))) / (max - min)) * plotH;
  const cx = (i: number) => (i + 0.5) * columnPx;
  const colorOf = (value: number) => (value > neutral ? GOOD : value < neutral ? BAD : NEUTRAL);

  const bands = html`<rect x="0" y="${px(y(max))}" width="${px(width)}" height="${px(y(neutral) - y(max))}" fill="#f0f9f2"/><rect x="0" y="${px(y(neutral))}" width="${px(width)}" height="${px(y(min) - y(neutral))}" fill="#fdf1f0"/>`;
  const grid = measure.guides.map(
    (v) => html`<line x1="0" x2="${px(width)}" y1="${px(y(v))}" y2="${px(y(v))}" stroke="#d1d9e0" stroke-dasharray="3 4"/>`,
  );
  const zero = html`<line x1="0" x2="${px(width)}" y1="${px(y(neutral))}" y2="${px(y(neutral))}" stroke="#8c959f"/>`;
  const axis = [max, neutral, min].map(
    (v) => html`<text class="axis" x="4" y="${px(y(v) + (v === max ? 10 : -3))}" font-size="10" fill="${NEUTRAL}">${measure.figure === 'nps' ? formatNps(v) : String(v)}</text>`,
  );

  // The line joins neighbouring stages that both have answers; a gap breaks it.
  const points = stages.map((stage) => measure.pointOf(stage));
  const segments: Html[] = [];
  points.forEach((a, i) => {
    const b = points[i + 1];
    if (a && b) {
      segments.push(html`<line x1="${px(cx(i))}" y1="${px(y(a.value))}" x2="${px(cx(i + 1))}" y2="${px(y(b.value))}" stroke="#57606a" stroke-width="2"/>`);
    }
  });

  const marks = stages.map((stage, i) => {
    const point = points[i];
    const x = cx(i);
    const figure = measure.figure;
    if (!point) {
      return html`<g data-stage="${stage.index}" data-figure="${figure}" data-value="null"><text class="label" x="${px(x)}" y="${px(y(neutral) - 8)}" text-anchor="middle" font-size="11" font-style="italic" fill="${NEUTRAL}">no answers</text></g>`;
    }
    const top = y(point.high);
    const bottom = y(point.low);
    const color = colorOf(point.value);
    const interval = measure.formatInterval(point);
    const title = `${stage.stage}: ${figure === 'nps' ? 'NPS' : 'CSAT'} ${measure.format(point.value)}${interval === null ? '' : ` (95% CI ${interval})`}, ${formatCount(point.answers)} answers`;
    return html`<g data-stage="${stage.index}" data-figure="${figure}" data-value="${point.value}"><title>${title}</title>
<line x1="${px(x)}" x2="${px(x)}" y1="${px(top)}" y2="${px(bottom)}" stroke="${color}" stroke-width="1.5"/>
<line x1="${px(x - 6)}" x2="${px(x + 6)}" y1="${px(top)}" y2="${px(top)}" stroke="${color}" stroke-width="1.5"/>
<line x1="${px(x - 6)}" x2="${px(x + 6)}" y1="${px(bottom)}" y2="${px(bottom)}" stroke="${color}" stroke-width="1.5"/>
<circle cx="${px(x)}" cy="${px(y(point.value))}" r="5.5" fill="${color}" stroke="#fff" stroke-width="2"/>
<text class="label" x="${px(x + 12)}" y="${px(y(point.value) + 4)}" font-size="13" font-weight="700" fill="${color}">${measure.format(point.value)}</text>
${interval === null ? null : html`<text class="label" x="${px(x)}" y="${px(bottom + 18)}" text-anchor="middle" font-size="10" fill="${NEUTRAL}">${interval}</text>`}</g>`;
  });

  const label = `${caption} (${measure.label})`;
  return html`<svg width="${px(width)}" height="${HEIGHT}" viewBox="0 0 ${px(width)} ${HEIGHT}" role="img" aria-label="${label}"><title>${label}</title>${bands}${grid}${zero}${axis}${segments}${marks}</svg>`;
}

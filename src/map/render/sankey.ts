/**
 * Pre-rendered SVG Sankey diagrams. Stage progress: (entry) → stages → (exit)
 * in definition order, one column per node, a band per progress move whose
 * width is its journeys (moves only go forward: progress only grows, so the
 * diagram has no cycles); a band that jumps columns passed stages (skips).
 * Touchpoint steps: the most taken steps as a ranked list of bands, since
 * page paths cycle and have no order to lay out in columns.
 */
import type { MapFlow } from '../journey-map.js';
import { html, join, type Html } from './escape.js';
import { fitText, px } from './svg-text.js';
import { formatCount } from './format.js';

const COLUMN_PX = 120;
const NODE_PX = 12;
const HEIGHT_PX = 300;
const TOP_PX = 34;
const FONT_PX = 11;

interface Band {
  from: number;
  to: number;
  journeys: number;
  skipped: number;
}

export function renderStageSankey(flow: MapFlow, stageNames: readonly string[], unit: string): Html {
  const nodes = ['(entry)', ...stageNames, '(exit)'];
  const index = new Map(nodes.map((name, i) => [name, i]));
  const bands: Band[] = flow.stages
    .filter((m) => index.has(m.from) && index.has(m.to) && m.journeys > 0)
    .map((m) => ({ from: index.get(m.from)!, to: index.get(m.to)!, journeys: m.journeys, skipped: m.skipped }));
  if (bands.length === 0) return html`<p class="none">No progress moves in this period.</p>`;
  const inflow = nodes.map((_, i) => bands.filter((b) => b.to === i).reduce((s, b) => s + b.journeys, 0));
  const outflow = nodes.map((_, i) => bands.filter((b) => b.from === i).reduce((s, b) => s + b.journeys, 0));
  const value = nodes.map((_, i) => Math.max(inflow[i]!, outflow[i]!));
  const scale = (HEIGHT_PX - TOP_PX - 16) / Math.max(1, ...value);
  const x = (i: number) => 16 + i * COLUMN_PX;
  const width = x(nodes.length - 1) + NODE_PX + 16;
  const outOffset = nodes.map(() => 0);
  const inOffset = nodes.map(() => 0);
  // Bands leave a node towards nearer targets first and reach it from nearer sources last, so they cross as little as possible.
  const ordered = [...bands].sort((a, b) => a.from - b.from || a.to - b.to);
  const paths = ordered.map((b) => {
    const w = Math.max(1, b.journeys * scale);
    const y0 = TOP_PX + outOffset[b.from]! + w / 2;
    outOffset[b.from]! += b.journeys * scale;
    const y1 = TOP_PX + inOffset[b.to]! + w / 2;
    inOffset[b.to]! += b.journeys * scale;
    const x0 = x(b.from) + NODE_PX;
    const x1 = x(b.to);
    const mid = (x0 + x1) / 2;
    const kind = b.to === nodes.length - 1 ? 'exit' : b.skipped > 0 ? 'skip' : 'move';
    const colour = kind === 'exit' ? '#cf222e' : kind === 'skip' ? '#9a6700' : '#0969da';
    const title = `${nodes[b.from]} → ${nodes[b.to]}: ${formatCount(b.journeys)} ${unit}${b.skipped > 0 ? `, ${formatCount(b.skipped)} stages skipped` : ''}`;
    return html`<path class="band ${kind}" data-from="${nodes[b.from]}" data-to="${nodes[b.to]}" data-value="${b.journeys}" d="M${px(x0)},${px(y0)} C${px(mid)},${px(y0)} ${px(mid)},${px(y1)} ${px(x1)},${px(y1)}" fill="none" stroke="${colour}" stroke-opacity="0.35" stroke-width="${px(w)}"><title>${title}</title></path>`;
  });
  const rects = nodes.map((name, i) => {
    const h = Math.max(2, value[i]! * scale);
    const label = fitText(name, COLUMN_PX - 8, FONT_PX);
    // Labels alternate between two lines so neighbours never overlap.
    const labelY = i % 2 === 0 ? 12 : 26;
    return html`<g class="node" data-node="${name}"><rect x="${px(x(i))}" y="${TOP_PX}" width="${NODE_PX}" height="${px(h)}" fill="#59636e"><title>${name}: ${formatCount(value[i]!)} ${unit}</title></rect><text x="${px(x(i) + NODE_PX / 2)}" y="${labelY}" font-size="${FONT_PX}" text-anchor="middle" fill="#1f2328">${label}</text></g>`;
  });
  return html`<svg class="sankey-svg" viewBox="0 0 ${px(width)} ${HEIGHT_PX}" width="${px(width)}" height="${HEIGHT_PX}" role="img" aria-label="Stage progress: moves between stages, skips and exits">${join(paths)}${join(rects)}</svg>`;
}

/** The most taken touchpoint steps as ranked bands (width ∝ sessions). */
export function renderTouchpointSteps(flow: MapFlow): Html {
  if (flow.touchpoints.length === 0) return html`<p class="none">Touchpoint steps are recorded for sessions only.</p>`;
  const rowPx = 22;
  const labelPx = 230;
  const barMax = 260;
  const max = Math.max(1, ...flow.touchpoints.map((t) => t.sessions));
  const rows = flow.touchpoints.map((t, i) => {
    const y = 8 + i * rowPx;
    const w = Math.max(2, (t.sessions / max) * barMax);
    return html`<g data-step="${i + 1}"><text x="0" y="${y + 12}" font-size="${FONT_PX}" fill="#1f2328">${fitText(t.from, labelPx - 6, FONT_PX)}<title>${t.from}</title></text><rect x="${labelPx}" y="${y + 3}" width="${px(w)}" height="12" fill="#0969da" fill-opacity="0.45"><title>${t.from} → ${t.to}: ${formatCount(t.sessions)} sessions, ${formatCount(t.steps)} steps</title></rect><text x="${px(labelPx + w + 6)}" y="${y + 12}" font-size="${FONT_PX}" fill="#1f2328">→ ${fitText(t.to, labelPx, FONT_PX)} · ${formatCount(t.sessions)}<title>${t.to}</title></text></g>`;
  });
  const height = 16 + flow.touchpoints.length * rowPx;
  const width = labelPx + barMax + labelPx + 60;
  return html`<svg class="sankey-svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Most taken touchpoint steps">${join(rows)}</svg>`;
}

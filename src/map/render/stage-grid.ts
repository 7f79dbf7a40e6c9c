/**
 * The map itself: a column per stage and a row group per map layer
 * (funnel, time, touchpoints, channels, emotions, pain points,
 * opportunities), as journey-mapping tools lay it out. Every stage cell
 * carries data-stage="<index>" and its figures data-figure/data-value.
 */
import type { JourneyMap, MapOpportunity, StageColumn } from '../journey-map.js';
import { curveMeasureOf, renderEmotionCurve } from './emotion-curve.js';
import { html, type Html } from './escape.js';
import { stageColumnPx } from './layout.js';
import { opportunityCell } from './opportunities.js';
import * as cell from './stage-cells.js';

export interface StageGridOptions {
  /** Names the grid for tests and tools: 'map' for everyone, 'persona' inside a persona's section. */
  grid: 'map' | 'persona';
  unit: JourneyMap['unit'];
  conversionStage: string | null;
  /** The opportunities row is the map's (ranked over everyone); personas have none. */
  opportunities: readonly MapOpportunity[] | null;
  caption: string;
}

interface Row {
  label: string;
  render: (stage: StageColumn, position: number) => Html;
}

interface Layer {
  name: string;
  rows: Row[];
}

/** Cell padding on both sides (CSS .grid td padding): the room bars may take. */
const CELL_PADDING_PX = 20;

export function renderStageGrid(stages: readonly StageColumn[], options: StageGridOptions): Html {
  const columnPx = stageColumnPx(stages.length);
  const barPx = columnPx - CELL_PADDING_PX - 4;
  const maxEntered = Math.max(0, ...stages.map((s) => s.funnel.entered));
  const last = stages.length - 1;
  const unitTitle = options.unit === 'sessions' ? 'Sessions' : 'Journeys';

  const layers: Layer[] = [
    {
      name: 'Funnel',
      rows: [
        { label: `${unitTitle} reached`, render: (s) => cell.enteredCell(s, maxEntered, barPx) },
        { label: 'Conversion to next', render: (s, i) => cell.conversionCell(s, barPx, i === last) },
        { label: 'Dropped here', render: (s, i) => cell.droppedCell(s, i === last) },
        { label: 'Skipped (no event)', render: (s) => cell.skippedCell(s) },
        { label: 'Time to next stage', render: (s) => cell.timeToNextCell(s) },
      ],
    },
    { name: 'Time', rows: [{ label: 'Time in stage', render: (s) => cell.timeInStageCell(s) }] },
    { name: 'Touchpoints', rows: [{ label: 'Top touchpoints', render: (s) => cell.touchpointsCell(s) }] },
    { name: 'Channels', rows: [{ label: 'Channels', render: (s) => cell.channelsCell(s) }] },
    {
      name: 'Emotions',
      rows: [
        { label: 'NPS', render: (s) => cell.npsCell(s) },
        { label: 'CSAT', render: (s) => cell.csatCell(s) },
        { label: 'Recent comments', render: (s) => cell.commentsCell(s) },
      ],
    },
    {
      name: 'Pain points',
      rows: [
        { label: 'Abandonment', render: (s) => cell.abandonmentCell(s, options) },
        { label: 'Exit touchpoints', render: (s) => cell.exitTouchpointsCell(s) },
        { label: 'Support tickets', render: (s) => cell.ticketsCell(s) },
        { label: 'Bounces', render: (s) => cell.bouncesCell(s) },
      ],
    },
  ];
  const opportunities = options.opportunities;
  if (opportunities !== null) {
    layers.push({ name: 'Opportunities', rows: [{ label: 'Ranked bottlenecks', render: (s) => opportunityCell(s, opportunities) }] });
  }

  const head = html`<thead><tr><th class="corner" scope="col">Stage</th>${stages.map(
    (s) =>
      html`<th scope="col" class="stage-head${s.stage === options.conversionStage ? ' conversion' : ''}" data-stage="${s.index}"><span class="stage-index">${s.index}</span><span class="stage-name">${s.stage}</span>${
        s.stage === options.conversionStage ? html` <span class="badge good">conversion</span>` : null
      }${s.description === null ? null : html`<span class="stage-desc">${s.description}</span>`}</th>`,
  )}</tr></thead>`;

  const measure = curveMeasureOf(stages);
  const curveRow = html`<tr class="curve-row"><th scope="row" class="row-label">Emotion curve<span class="sub">${measure.label}</span></th><td class="curve-cell" colspan="${stages.length}">${renderEmotionCurve(
    stages,
    columnPx,
    options.caption,
    measure,
  )}</td></tr>`;

  const bodies = layers.map(
    (layer) =>
      html`<tbody data-layer="${layer.name.toLowerCase()}"><tr class="layer-row"><th scope="rowgroup" class="row-label">${layer.name}</th><td colspan="${stages.length}"></td></tr>${
        layer.name === 'Emotions' ? curveRow : null
      }${layer.rows.map(
        (row) =>
          html`<tr><th scope="row" class="row-label">${row.label}</th>${stages.map((s, i) => html`<td data-stage="${s.index}">${row.render(s, i)}</td>`)}</tr>`,
      )}</tbody>`,
  );

  return html`<div class="scroll"><table class="grid" data-grid="${options.grid}"><colgroup><col class="label-col">${stages.map(
    () => html`<col>`,
  )}</colgroup>${head}${bodies}</table></div>`;
}

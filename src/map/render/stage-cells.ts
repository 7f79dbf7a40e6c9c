/**
 * What one stage column shows in each layer of the grid. Each function
 * renders the inside of one cell from one StageColumn; the grid decides
 * where the cells go. Figures are shown as the map holds them.
 */
import type { JourneyMap, StageColumn } from '../journey-map.js';
import { html, type Html } from './escape.js';
import { figure } from './figure.js';
import {
  DASH,
  formatCount,
  formatCsat,
  formatCsatInterval,
  formatDuration,
  formatInstant,
  formatNps,
  formatNpsInterval,
  formatPercent,
  formatWindow,
} from './format.js';
import { px } from './svg-text.js';

/** A thin horizontal bar: share of widthPx filled; purely a visual scale of a figure shown beside it. */
export function bar(fraction: number, widthPx: number, color: string): Html {
  const filled = Math.max(0, Math.min(1, fraction)) * widthPx;
  return html`<svg class="bar" width="${px(widthPx)}" height="6" aria-hidden="true" focusable="false"><rect width="${px(widthPx)}" height="6" rx="3" fill="#eef1f4"/><rect width="${px(filled)}" height="6" rx="3" fill="${color}"/></svg>`;
}

const none = (text: string): Html => html`<span class="none">${text}</span>`;

export function enteredCell(stage: StageColumn, maxEntered: number, barPx: number): Html {
  return html`${figure('entered', stage.funnel.entered, formatCount(stage.funnel.entered), 'fig big')}${bar(
    maxEntered > 0 ? stage.funnel.entered / maxEntered : 0,
    barPx,
    '#0969da',
  )}`;
}

export function conversionCell(stage: StageColumn, barPx: number, isLast: boolean): Html {
  const conversion = stage.funnel.conversion_to_next;
  if (isLast) return html`${figure('conversion_to_next', conversion, DASH)}<span class="sub">last stage</span>`;
  return html`${figure('conversion_to_next', conversion, formatPercent(conversion), 'fig big')}${
    conversion === null ? html`<span class="sub">no journey had an event here</span>` : bar(conversion, barPx, '#1a7f37')
  }<span class="sub">${figure('advanced', stage.funnel.advanced, formatCount(stage.funnel.advanced))} advanced</span>`;
}

export function droppedCell(stage: StageColumn, isLast: boolean): Html {
  if (isLast) return figure('dropped', stage.funnel.dropped, DASH);
  return figure('dropped', stage.funnel.dropped, formatCount(stage.funnel.dropped));
}

export function skippedCell(stage: StageColumn): Html {
  return figure('skipped', stage.funnel.skipped, formatCount(stage.funnel.skipped));
}

export function timeToNextCell(stage: StageColumn): Html {
  const f = stage.funnel;
  return html`${figure('median_time_to_next_ms', f.median_time_to_next_ms, formatDuration(f.median_time_to_next_ms))}<span class="sub">p90 ${figure(
    'p90_time_to_next_ms',
    f.p90_time_to_next_ms,
    formatDuration(f.p90_time_to_next_ms),
  )}</span>`;
}

export function timeInStageCell(stage: StageColumn): Html {
  const t = stage.time_in_stage;
  return html`${figure('median_time_in_stage_ms', t.median_ms, formatDuration(t.median_ms), 'fig big')}<span class="sub">p90 ${figure(
    'p90_time_in_stage_ms',
    t.p90_ms,
    formatDuration(t.p90_ms),
  )} · over ${figure('time_in_stage_journeys', t.journeys, formatCount(t.journeys))}</span>`;
}

export function touchpointsCell(stage: StageColumn): Html {
  if (stage.touchpoints.length === 0) return none('no events');
  return html`<ul class="list">${stage.touchpoints.map(
    (t) =>
      html`<li data-touchpoint="${t.touchpoint}"><span class="name tp">${t.touchpoint}</span>${figure('touchpoint_share', t.share, formatPercent(t.share))}</li>`,
  )}</ul>`;
}

export function channelsCell(stage: StageColumn): Html {
  if (stage.channels.length === 0) return none('no events');
  return html`<ul class="list">${stage.channels.map(
    (c) =>
      html`<li data-channel="${c.channel}"><span class="name">${c.channel}<span class="chip${c.online ? '' : ' offline'}">${
        c.online ? 'online' : 'offline'
      }</span></span>${figure('channel_share', c.share, formatPercent(c.share))}</li>`,
  )}</ul>`;
}

export function npsCell(stage: StageColumn): Html {
  const nps = stage.emotions.nps;
  if (nps === null) return html`${figure('nps', null, DASH)}<span class="sub">no answers</span>`;
  return html`${figure('nps', nps.score, formatNps(nps.score), `fig big ${nps.score > 0 ? 'good' : nps.score < 0 ? 'bad' : ''}`)}<span class="sub">95% CI ${formatNpsInterval(
    nps.ci_low,
    nps.ci_high,
  )}</span><span class="sub">${figure('nps_answers', nps.answers, formatCount(nps.answers))} answers · ${formatCount(nps.promoters)} / ${formatCount(
    nps.passives,
  )} / ${formatCount(nps.detractors)} P/P/D</span>`;
}

export function csatCell(stage: StageColumn): Html {
  const csat = stage.emotions.csat;
  if (csat === null) return html`${figure('csat_mean', null, DASH)}<span class="sub">no answers</span>`;
  const interval = formatCsatInterval(csat.ci_low, csat.ci_high);
  return html`${figure('csat_mean', csat.mean, formatCsat(csat.mean), 'fig big')}<span class="sub">of 5${
    interval === null ? '' : ` · 95% CI ${interval}`
  }</span><span class="sub">${figure('csat_answers', csat.answers, formatCount(csat.answers))} answers</span>`;
}

export function commentsCell(stage: StageColumn): Html {
  if (stage.emotions.comments.length === 0) return none('no comments');
  return html`${stage.emotions.comments.map(
    (c) =>
      html`<blockquote class="quote" data-comment>${c.text}<span class="sub">${c.type.toUpperCase()} ${c.score} · ${formatInstant(c.at)}</span></blockquote>`,
  )}`;
}

export function abandonmentCell(stage: StageColumn, map: Pick<JourneyMap, 'unit'>): Html {
  const rules = stage.pain_points.abandonment;
  if (rules.length === 0) return none('no rule from here');
  return html`<ul class="list">${rules.map(
    (r) =>
      html`<li data-rule="${r.rule}"><span class="name">→ ${r.to} within ${formatWindow(r.within_ms)}<span class="sub">${formatCount(r.abandoned)} of ${formatCount(
        r.known,
      )} ${map.unit} known</span></span>${figure('abandonment_rate', r.rate, formatPercent(r.rate), r.rate !== null && r.rate >= 0.5 ? 'fig rate-bad' : 'fig')}</li>`,
  )}</ul>`;
}

export function exitTouchpointsCell(stage: StageColumn): Html {
  const exits = stage.pain_points.exit_touchpoints;
  if (exits.length === 0) return none('none');
  return html`<ul class="list">${exits.map(
    (e) => html`<li data-touchpoint="${e.touchpoint}"><span class="name tp">${e.touchpoint}</span>${figure('exit_share', e.share, formatPercent(e.share))}</li>`,
  )}</ul>`;
}

export function ticketsCell(stage: StageColumn): Html {
  const t = stage.pain_points.tickets;
  return html`${figure('tickets_per_100', t.per_100, t.per_100 === null ? DASH : t.per_100.toFixed(1))}<span class="sub">per 100 · ${figure(
    'tickets_opened',
    t.opened,
    formatCount(t.opened),
  )} opened</span>`;
}

export function bouncesCell(stage: StageColumn): Html {
  const b = stage.pain_points.bounces;
  return html`${figure('bounce_rate', b.rate, formatPercent(b.rate))}<span class="sub">${figure('bounces', b.journeys, formatCount(b.journeys))} single-event</span>`;
}

/**
 * The events of each stage as the journey map shows them (touchpoints,
 * channels, exits, emotions, tickets), read from stage_activity_hourly
 * (docs/semantics.md, "The journey map").
 */
import type { Store } from '../stores/store.js';
import { readSql } from '../stores/sql-files.js';
import type { FunnelLevel, FunnelMode } from '../journey/definition-schema.js';
import { rangeParams, segmentParams, type TimeRange } from '../metrics/time-range.js';
import { csatFigure, npsFigure } from './emotion-figures.js';
import type { MapChannel, MapTouchpoint, StageEmotions, SurveyComment } from './journey-map.js';

/** Top touchpoints and exit touchpoints shown per stage. */
export const TOP_TOUCHPOINTS = 5;
/** Channels shown per stage (a pipeline has about a dozen). */
export const TOP_CHANNELS = 8;

export interface StageActivity {
  /** Events attributed to the stage. */
  events: number;
  touchpoints: MapTouchpoint[];
  channels: MapChannel[];
  exitTouchpoints: Array<{ touchpoint: string; exits: number }>;
  emotions: StageEmotions;
  tickets: number;
}

/** Per value ('' without by_segment) and stage index (0 = events of no stage): the stage's activity. */
export type ActivityByValue = Map<string, Map<number, StageActivity>>;

type Num = number | string;

function emptyActivity(): StageActivity {
  return { events: 0, touchpoints: [], channels: [], exitTouchpoints: [], emotions: { nps: null, csat: null, comments: [] }, tickets: 0 };
}

function activityOf(byValue: ActivityByValue, value: string, stageIndex: number): StageActivity {
  let stages = byValue.get(value);
  if (!stages) byValue.set(value, (stages = new Map()));
  let activity = stages.get(stageIndex);
  if (!activity) stages.set(stageIndex, (activity = emptyActivity()));
  return activity;
}

const share = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 1e6) / 1e6);

/** A comment as the rollup keeps it: (−time ms, type, score, text). */
function commentOf([negativeMs, type, score, text]: [Num, string, Num, string]): SurveyComment {
  return { at: new Date(-Number(negativeMs)).toISOString(), type: type === 'nps' ? 'nps' : 'csat', score: Number(score), text };
}

/**
 * The stage activity overall (under value '') and, with bySegment, per
 * segment value too, from the same reads (GROUPING SETS in the SQL: the rows
 * are read once for both).
 */
export async function readStageActivity(
  store: Store,
  options: { pipeline: string; level: FunnelLevel; mode: FunnelMode; range: TimeRange; segment?: string | undefined; bySegment?: boolean },
): Promise<{ overall: ActivityByValue; bySegment: ActivityByValue }> {
  const params = {
    pipeline: options.pipeline,
    level: options.level,
    mode: options.mode,
    ...rangeParams(options.range),
    ...segmentParams(options.segment),
    by_segment: options.bySegment ? 1 : 0,
  };
  const [totals, top, exits] = await Promise.all([
    store.query<{
      value: string; overall: Num; stage_index: Num; events: Num; nps_answers: Num; nps_promoters: Num; nps_detractors: Num;
      csat_answers: Num; csat_sum: Num; csat_squares: Num; tickets: Num; comments: Array<[Num, string, Num, string]>;
    }>(readSql('metrics/stage_feedback.sql'), params),
    store.query<{ value: string; overall: Num; stage_index: Num; breakdown: string; touchpoint: string; channel: string; online: Num; events: Num; journeys: Num }>(
      readSql('metrics/stage_activity_top.sql'),
      { ...params, limit: Math.max(TOP_TOUCHPOINTS, TOP_CHANNELS) },
    ),
    store.query<{ value: string; overall: Num; stage_index: Num; touchpoint: string; exits: Num }>(readSql('metrics/stage_exits_top.sql'), { ...params, limit: TOP_TOUCHPOINTS }),
  ]);
  const overall: ActivityByValue = new Map();
  const bySegment: ActivityByValue = new Map();
  // Without bySegment the SQL's per-segment set is one group per stage: not read.
  const mapOf = (row: { overall: Num }) => (Number(row.overall) === 1 ? overall : options.bySegment ? bySegment : undefined);
  for (const row of totals) {
    const byValue = mapOf(row);
    if (!byValue) continue;
    const activity = activityOf(byValue, row.value, Number(row.stage_index));
    activity.events = Number(row.events);
    activity.tickets = Number(row.tickets);
    activity.emotions = {
      nps: npsFigure(Number(row.nps_answers), Number(row.nps_promoters), Number(row.nps_detractors)),
      csat: csatFigure(Number(row.csat_answers), Number(row.csat_sum), Number(row.csat_squares)),
      comments: row.comments.map(commentOf),
    };
  }
  for (const row of top) {
    const byValue = mapOf(row);
    if (!byValue) continue;
    const activity = activityOf(byValue, row.value, Number(row.stage_index));
    const events = Number(row.events);
    const journeys = Number(row.journeys);
    if (row.breakdown === 'touchpoint') {
      if (activity.touchpoints.length < TOP_TOUCHPOINTS) activity.touchpoints.push({ touchpoint: row.touchpoint, events, journeys, share: 0 });
    } else {
      activity.channels.push({ channel: row.channel, online: Number(row.online) === 1, events, journeys, share: 0 });
    }
  }
  for (const row of exits) {
    const byValue = mapOf(row);
    if (!byValue) continue;
    activityOf(byValue, row.value, Number(row.stage_index)).exitTouchpoints.push({ touchpoint: row.touchpoint, exits: Number(row.exits) });
  }
  // Shares of the stage's events: known only once its totals are read.
  for (const stages of [...overall.values(), ...bySegment.values()]) {
    for (const activity of stages.values()) {
      for (const t of activity.touchpoints) t.share = share(t.events, activity.events);
      for (const c of activity.channels) c.share = share(c.events, activity.events);
    }
  }
  return { overall, bySegment };
}

/** The activity of one stage, empty when nothing was attributed to it. */
export function stageActivity(byValue: ActivityByValue, value: string, stageIndex: number): StageActivity {
  return byValue.get(value)?.get(stageIndex) ?? emptyActivity();
}

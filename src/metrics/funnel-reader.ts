import type { Store } from '../stores/store.js';
import { readSql } from '../stores/sql-files.js';
import type { Dimension, FunnelLevel, FunnelMode } from '../journey/definition-schema.js';
import { toFunnelStages, type FunnelReport, type StageCounts } from './funnel-report.js';
import { rangeParams, segmentParams, type TimeRange } from './time-range.js';
import { segmentFunnelSql } from './segment-funnel-sql.js';

interface Row {
  value: string;
  stage_index: number;
  entered: number | string;
  skipped: number | string;
  advanced: number | string;
  overall?: number | string;
  /** Absent when read without times. */
  time_to_next_ms?: Array<number | string | null>;
  time_in_stage_ms?: Array<number | string | null>;
  bounced: number | string;
}

/**
 * The funnel of one level (sessions or person's journeys) and mode, read from
 * the rollups: overall and per segment from funnel_segment_hourly (in one
 * read), per channel, device, browser or country from funnel_hourly. Journeys count in the hour they started:
 * --from/--to select by start hour. With `by`, also one funnel per value of
 * that dimension (of the journey's first event, or first staged event),
 * largest first.
 */
export async function readFunnel(
  store: Store,
  options: {
    pipeline: string;
    stageNames: readonly string[];
    level: FunnelLevel;
    mode: FunnelMode;
    range: TimeRange;
    by?: Dimension | undefined;
    /** Only the journeys of this segment (of the journey's first event, or first staged event). */
    segment?: string | undefined;
    /** Time to next and time in stage (default); without them no quantile state is read, and every time is null. */
    times?: boolean;
  },
): Promise<FunnelReport> {
  // Overall and per segment from the rollup without the other breakdowns (segmentFunnelSql): the same figures, far less to read.
  const params = {
    pipeline: options.pipeline,
    level: options.level,
    mode: options.mode,
    ...rangeParams(options.range),
    ...segmentParams(options.segment),
  };
  const times = options.times ?? true;
  const perSegment = options.by === 'segment';
  const [overallAndSegments, byOther] = await Promise.all([
    store.query<Row>(segmentFunnelSql({ perSegment, times }), params),
    options.by && !perSegment ? store.query<Row>(readSql('metrics/funnel_from_rollup.sql'), { ...params, by: options.by }) : Promise.resolve([]),
  ]);
  const overall = overallAndSegments.filter((row) => Number(row.overall) === 1);
  const report: FunnelReport = {
    pipeline: options.pipeline,
    mode: options.mode,
    level: options.level,
    ...(options.segment === undefined ? {} : { segment: options.segment }),
    stages: toFunnelStages(options.stageNames, countsOf(overall)),
    groups: [],
  };
  if (options.by) {
    const rows = perSegment ? overallAndSegments.filter((row) => Number(row.overall) === 0) : byOther;
    const byValue = new Map<string, Row[]>();
    for (const row of rows) {
      const list = byValue.get(row.value);
      if (list) list.push(row);
      else byValue.set(row.value, [row]);
    }
    for (const [value, valueRows] of byValue) {
      report.groups.push({ dimension: options.by, value, stages: toFunnelStages(options.stageNames, countsOf(valueRows)) });
    }
    report.groups.sort((a, b) => b.stages[0]!.entered - a.stages[0]!.entered || a.value.localeCompare(b.value));
  }
  return report;
}

/** A merged quantile: null when nothing was timed (ClickHouse gives nan, printed as null or "nan"). */
function quantileOf(value: number | string | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

function countsOf(rows: readonly Row[]): Map<number, StageCounts> {
  return new Map(
    rows.map((row) => [
      Number(row.stage_index),
      {
        entered: Number(row.entered),
        skipped: Number(row.skipped),
        advanced: Number(row.advanced),
        medianMs: quantileOf(row.time_to_next_ms?.[0]),
        p90Ms: quantileOf(row.time_to_next_ms?.[1]),
        inStageMedianMs: quantileOf(row.time_in_stage_ms?.[0]),
        inStageP90Ms: quantileOf(row.time_in_stage_ms?.[1]),
        bounced: Number(row.bounced),
      },
    ]),
  );
}

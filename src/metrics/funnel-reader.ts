import type { Store } from '../stores/store.js';
import { readSql } from '../stores/sql-files.js';
import type { Dimension, FunnelLevel, FunnelMode } from '../journey/definition-schema.js';
import { toFunnelStages, type FunnelReport, type StageCounts } from './funnel-report.js';
import { rangeParams, segmentParams, type TimeRange } from './time-range.js';

interface Row {
  value: string;
  stage_index: number;
  entered: number | string;
  skipped: number | string;
  advanced: number | string;
  time_to_next_ms: Array<number | string | null>;
  time_in_stage_ms: Array<number | string | null>;
  bounced: number | string;
}

/**
 * The funnel of one level (sessions or person's journeys) and mode, read from
 * the funnel_hourly rollup (overall and per segment from funnel_segment_hourly,
 * its sums without the other breakdowns). Journeys count in the hour they started:
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
  },
): Promise<FunnelReport> {
  // Overall and per segment from the rollup without the other breakdowns: the same figures, far fewer states to merge.
  const bySegment = readSql('metrics/funnel_by_segment_from_rollup.sql');
  const params = {
    pipeline: options.pipeline,
    level: options.level,
    mode: options.mode,
    ...rangeParams(options.range),
    ...segmentParams(options.segment),
  };
  const overall = await store.query<Row>(bySegment, { ...params, by: '' });
  const report: FunnelReport = {
    pipeline: options.pipeline,
    mode: options.mode,
    level: options.level,
    ...(options.segment === undefined ? {} : { segment: options.segment }),
    stages: toFunnelStages(options.stageNames, countsOf(overall)),
    groups: [],
  };
  if (options.by) {
    const sql = options.by === 'segment' ? bySegment : readSql('metrics/funnel_from_rollup.sql');
    const rows = await store.query<Row>(sql, { ...params, by: options.by });
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
        medianMs: quantileOf(row.time_to_next_ms[0]),
        p90Ms: quantileOf(row.time_to_next_ms[1]),
        inStageMedianMs: quantileOf(row.time_in_stage_ms[0]),
        inStageP90Ms: quantileOf(row.time_in_stage_ms[1]),
        bounced: Number(row.bounced),
      },
    ]),
  );
}

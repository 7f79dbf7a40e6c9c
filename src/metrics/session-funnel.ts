import type { Store } from '../stores/store.js';
import { readSql } from '../stores/sql-files.js';
import type { Dimension } from '../journey/definition-schema.js';
import { toFunnelStages, type FunnelReport, type StageCounts } from './funnel-report.js';
import { rangeParams, type TimeRange } from './time-range.js';

interface Row {
  value: string;
  stage_index: number;
  entered: number | string;
  advanced: number | string;
  time_to_next_ms: Array<number | null>;
}

/**
 * The session-level funnel, read from the funnel_hourly rollup. Sessions
 * count in the hour they started: --from/--to select by start hour.
 */
export async function sessionFunnel(
  store: Store,
  options: { pipeline: string; stageNames: readonly string[]; mode: 'ordered' | 'furthest'; range: TimeRange; by?: Dimension | undefined },
): Promise<FunnelReport> {
  const sql = readSql('metrics/funnel_from_rollup.sql');
  const params = { pipeline: options.pipeline, mode: options.mode, ...rangeParams(options.range) };
  const overall = await store.query<Row>(sql, { ...params, by: '' });
  const report: FunnelReport = {
    pipeline: options.pipeline,
    mode: options.mode,
    level: 'session',
    stages: toFunnelStages(options.stageNames, countsOf(overall)),
    groups: [],
  };
  if (options.by) {
    const rows = await store.query<Row>(sql, { ...params, by: options.by });
    const byValue = new Map<string, Row[]>();
    for (const row of rows) byValue.set(row.value, [...(byValue.get(row.value) ?? []), row]);
    for (const [value, valueRows] of byValue) {
      report.groups.push({ dimension: options.by, value, stages: toFunnelStages(options.stageNames, countsOf(valueRows)) });
    }
    report.groups.sort((a, b) => b.stages[0]!.entered - a.stages[0]!.entered || a.value.localeCompare(b.value));
  }
  return report;
}

function countsOf(rows: readonly Row[]): Map<number, StageCounts> {
  return new Map(
    rows.map((row) => [
      row.stage_index,
      {
        entered: Number(row.entered),
        advanced: Number(row.advanced),
        medianMs: row.time_to_next_ms[0] ?? null,
        p90Ms: row.time_to_next_ms[1] ?? null,
      },
    ]),
  );
}

import type { Store } from '../stores/store.js';
import { readSql } from '../stores/sql-files.js';
import type { Dimension } from '../journey/definition-schema.js';
import { compareStaged, furthestFunnel, orderedFunnel, type FunnelLevel, type StagedPoint } from '../sessions/funnel-level.js';
import { toFunnelStages, type FunnelReport, type StageCounts } from './funnel-report.js';
import { quantileInclusive } from './quantile.js';
import { rangeParams, type TimeRange } from './time-range.js';

interface Row {
  key: string;
  times: Array<number | string>;
  stages: number[];
  channel: string;
  device: string;
  browser: string;
  country: string;
  segment: string;
}

/**
 * The person-level funnel: per identity key over the conversion window, with
 * the same level functions as sessions (ordered = windowFunnel with the
 * journey window; furthest = furthest stage within the window of the first
 * staged event). A key counts under the dimensions of its first staged event.
 */
export async function journeyFunnel(
  store: Store,
  options: {
    pipeline: string;
    stageNames: readonly string[];
    mode: 'ordered' | 'furthest';
    range: TimeRange;
    journeyWindowMs: number;
    by?: Dimension | undefined;
  },
): Promise<FunnelReport> {
  const rows = await store.query<Row>(readSql('metrics/journey_points.sql'), { pipeline: options.pipeline, ...rangeParams(options.range) });
  const stageCount = options.stageNames.length;
  const groups = new Map<string, FunnelLevel[]>();
  const overall: FunnelLevel[] = [];
  for (const row of rows) {
    const points: StagedPoint[] = row.times.map((t, i) => ({ timestampMs: Number(t), stageIndex: row.stages[i]! }));
    points.sort(compareStaged);
    const level =
      options.mode === 'ordered'
        ? orderedFunnel(points, stageCount, options.journeyWindowMs)
        : furthestFunnel(
            points.filter((p) => p.timestampMs <= points[0]!.timestampMs + options.journeyWindowMs),
            stageCount,
          );
    overall.push(level);
    if (options.by) {
      const value = row[options.by];
      groups.set(value, [...(groups.get(value) ?? []), level]);
    }
  }
  return {
    pipeline: options.pipeline,
    mode: options.mode,
    level: 'journey',
    stages: toFunnelStages(options.stageNames, countLevels(overall, stageCount)),
    groups: [...groups.entries()]
      .map(([value, levels]) => ({ dimension: options.by!, value, stages: toFunnelStages(options.stageNames, countLevels(levels, stageCount)) }))
      .sort((a, b) => b.stages[0]!.entered - a.stages[0]!.entered || a.value.localeCompare(b.value)),
  };
}

function countLevels(levels: readonly FunnelLevel[], stageCount: number): Map<number, StageCounts> {
  const counts = new Map<number, StageCounts>();
  for (let k = 1; k <= stageCount; k++) {
    const reached = levels.filter((l) => l.level >= k);
    const advanced = reached.filter((l) => l.level > k);
    const times = advanced.map((l) => l.reachedAtMs[k]! - l.reachedAtMs[k - 1]!).sort((a, b) => a - b);
    if (reached.length === 0) continue;
    counts.set(k, { entered: reached.length, advanced: advanced.length, medianMs: quantileInclusive(times, 0.5), p90Ms: quantileInclusive(times, 0.9) });
  }
  return counts;
}

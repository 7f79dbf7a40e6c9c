import type { Store } from '../stores/store.js';
import { readSql } from '../stores/sql-files.js';

/** Sessions that entered a stage and how many went on to the next one. */
export interface StepCounts {
  entered: number;
  advanced: number;
}

/** The dimensions bottleneck drivers are looked for in: the journey's breakdown dimensions and the entry touchpoint. */
export type DriverDimension = 'channel' | 'device' | 'browser' | 'country' | 'segment' | 'entry_touchpoint';

/** Stage counts of one period: overall, and per value of every driver dimension. Stage indexes are 1-based. */
export interface StageBreakdown {
  overall: Map<number, StepCounts>;
  byValue: Map<DriverDimension, Map<string, Map<number, StepCounts>>>;
}

const NONE: StepCounts = { entered: 0, advanced: 0 };

/** Counts of stage k (zero when nobody entered it). */
export function countsAt(counts: ReadonlyMap<number, StepCounts> | undefined, stageIndex: number): StepCounts {
  return counts?.get(stageIndex) ?? NONE;
}

export function emptyBreakdown(): StageBreakdown {
  return { overall: new Map(), byValue: new Map() };
}

/** Reads the ordered-funnel counts per stage and dimension value of sessions starting in [fromMs, toMs). */
export async function readStageBreakdown(store: Store, options: { pipeline: string; fromMs: number; toMs: number }): Promise<StageBreakdown> {
  const rows = await store.query<{ dimension: string; value: string; stage_index: number | string; entered: number | string; advanced: number | string }>(
    readSql('analysis/stage_breakdown.sql'),
    { pipeline: options.pipeline, from_ms: Math.max(0, Math.round(options.fromMs)), to_ms: Math.round(options.toMs) },
  );
  const breakdown = emptyBreakdown();
  for (const row of rows) {
    const counts = { entered: Number(row.entered), advanced: Number(row.advanced) };
    const stageIndex = Number(row.stage_index);
    if (row.dimension === '') {
      breakdown.overall.set(stageIndex, counts);
      continue;
    }
    const dimension = row.dimension as DriverDimension;
    let values = breakdown.byValue.get(dimension);
    if (!values) breakdown.byValue.set(dimension, (values = new Map()));
    let stages = values.get(row.value);
    if (!stages) values.set(row.value, (stages = new Map()));
    stages.set(stageIndex, counts);
  }
  return breakdown;
}

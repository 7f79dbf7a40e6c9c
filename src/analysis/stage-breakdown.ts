import type { Store } from '../stores/store.js';
import { readSql } from '../stores/sql-files.js';
import type { FunnelLevel, FunnelMode } from '../journey/definition-schema.js';
import { rangeParams, segmentParams } from '../metrics/time-range.js';

/**
 * Journeys at a stage k: entered (level ≥ k), of those skipped (entered without
 * an event of k) and advanced (an event of k and a level beyond it). Only the
 * entered − skipped really were at k: conversion = advanced / (entered − skipped).
 */
export interface StepCounts {
  entered: number;
  skipped: number;
  advanced: number;
}

/** The dimensions bottleneck drivers are looked for in: the journey's breakdown dimensions and the entry touchpoint. */
export type DriverDimension = 'channel' | 'device' | 'browser' | 'country' | 'segment' | 'entry_touchpoint';

/** Stage counts of one period: overall, and per value of every driver dimension. Stage indexes are 1-based. */
export interface StageBreakdown {
  overall: Map<number, StepCounts>;
  byValue: Map<DriverDimension, Map<string, Map<number, StepCounts>>>;
}

/** Which funnel is counted: a mode at a level (docs/semantics.md). */
export interface FunnelView {
  level: FunnelLevel;
  mode: FunnelMode;
}

const NONE: StepCounts = { entered: 0, skipped: 0, advanced: 0 };

/** Counts of stage k (zero when nobody entered it). */
export function countsAt(counts: ReadonlyMap<number, StepCounts> | undefined, stageIndex: number): StepCounts {
  return counts?.get(stageIndex) ?? NONE;
}

/** Journeys that really were at the stage (had an event of it): entered − skipped, the denominator of its conversion. */
export function atStage(counts: StepCounts): number {
  return counts.entered - counts.skipped;
}

export function emptyBreakdown(): StageBreakdown {
  return { overall: new Map(), byValue: new Map() };
}

/** The table a level reads: sessions, or people's journeys. */
export function levelTable(level: FunnelLevel): 'sessions' | 'journeys' {
  return level === 'person' ? 'journeys' : 'sessions';
}

/** Reads one funnel's counts per stage and dimension value of journeys starting in the hours [fromMs, toMs), excluded ones left out, from the rollups. */
export async function readStageBreakdown(
  store: Store,
  options: { pipeline: string; fromMs: number; toMs: number; segment?: string | undefined } & FunnelView,
): Promise<StageBreakdown> {
  const rows = await store.query<{ dimension: string; value: string; stage_index: number | string; entered: number | string; skipped: number | string; advanced: number | string }>(
    readSql('analysis/stage_breakdown.sql'),
    {
      pipeline: options.pipeline,
      level: options.level,
      mode: options.mode,
      ...rangeParams({ fromMs: Math.max(0, options.fromMs), toMs: Math.max(0, options.toMs) }),
      ...segmentParams(options.segment),
    },
  );
  const breakdown = emptyBreakdown();
  for (const row of rows) {
    const counts = { entered: Number(row.entered), skipped: Number(row.skipped), advanced: Number(row.advanced) };
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

import type { FunnelLevel, FunnelMode } from '../journey/definition-schema.js';

/** The funnel as `journeys funnel` shows it (and prints with --json); docs/semantics.md, "Stages are milestones". */
export interface FunnelStage {
  stage: string;
  /** Journeys that got to this stage, with or without an event of it. */
  entered: number;
  /** Of those, the ones without an event of this stage (they passed it). */
  skipped: number;
  /** With an event of this stage and further progress; null for the last stage. */
  advanced: number | null;
  /** entered − skipped − advanced: journeys whose furthest stage is this one; null for the last stage. */
  dropped: number | null;
  /** advanced / (entered − skipped); null for the last stage or when no journey had an event of this stage. */
  conversion_to_next: number | null;
  median_time_to_next_ms: number | null;
  p90_time_to_next_ms: number | null;
  /** From entering the stage to entering the next or the journey's end, over journeys with an event of it (docs/semantics.md, "The journey map"). */
  median_time_in_stage_ms: number | null;
  p90_time_in_stage_ms: number | null;
  /** Journeys made of a single event (at level person: one staged or exclusion event), of this stage. */
  bounced: number;
}

export interface FunnelGroup {
  dimension: string;
  value: string;
  stages: FunnelStage[];
}

export interface FunnelReport {
  pipeline: string;
  mode: FunnelMode;
  level: FunnelLevel;
  /** Set when the report counts one segment's journeys only. */
  segment?: string;
  stages: FunnelStage[];
  groups: FunnelGroup[];
}

export interface StageCounts {
  entered: number;
  skipped: number;
  advanced: number;
  medianMs: number | null;
  p90Ms: number | null;
  inStageMedianMs: number | null;
  inStageP90Ms: number | null;
  bounced: number;
}

/**
 * Turns per-stage counts into report rows: dropped = entered − skipped −
 * advanced, conversion = advanced / (entered − skipped); the last stage has
 * no next stage, so its advanced/dropped/conversion/times are null. Stages
 * nobody entered show 0. Times are null where no journey was timed.
 */
export function toFunnelStages(stageNames: readonly string[], counts: ReadonlyMap<number, StageCounts>): FunnelStage[] {
  return stageNames.map((stage, i) => {
    const c = counts.get(i + 1) ?? { entered: 0, skipped: 0, advanced: 0, medianMs: null, p90Ms: null, inStageMedianMs: null, inStageP90Ms: null, bounced: 0 };
    const last = i === stageNames.length - 1;
    const present = c.entered - c.skipped;
    const rounded = (ms: number | null) => (ms === null || !Number.isFinite(ms) ? null : Math.round(ms * 1000) / 1000);
    const round = (ms: number | null) => (c.advanced === 0 ? null : rounded(ms));
    return {
      stage,
      entered: c.entered,
      skipped: c.skipped,
      advanced: last ? null : c.advanced,
      dropped: last ? null : present - c.advanced,
      conversion_to_next: last || present === 0 ? null : Math.round((c.advanced / present) * 1e6) / 1e6,
      median_time_to_next_ms: last ? null : round(c.medianMs),
      p90_time_to_next_ms: last ? null : round(c.p90Ms),
      median_time_in_stage_ms: present === 0 ? null : rounded(c.inStageMedianMs),
      p90_time_in_stage_ms: present === 0 ? null : rounded(c.inStageP90Ms),
      bounced: c.bounced,
    };
  });
}

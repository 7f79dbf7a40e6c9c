/** The funnel as `journeys funnel` shows it (and prints with --json). */
export interface FunnelStage {
  stage: string;
  entered: number;
  advanced: number | null;
  dropped: number | null;
  conversion_to_next: number | null;
  median_time_to_next_ms: number | null;
  p90_time_to_next_ms: number | null;
}

export interface FunnelGroup {
  dimension: string;
  value: string;
  stages: FunnelStage[];
}

export interface FunnelReport {
  pipeline: string;
  mode: 'ordered' | 'furthest';
  level: 'session' | 'journey';
  stages: FunnelStage[];
  groups: FunnelGroup[];
}

export interface StageCounts {
  entered: number;
  advanced: number;
  medianMs: number | null;
  p90Ms: number | null;
}

/**
 * Turns per-stage counts into report rows: dropped = entered − advanced,
 * conversion = advanced / entered; the last stage has no next stage, so its
 * advanced/dropped/conversion/times are null. Stages nobody entered show 0.
 */
export function toFunnelStages(stageNames: readonly string[], counts: ReadonlyMap<number, StageCounts>): FunnelStage[] {
  return stageNames.map((stage, i) => {
    const c = counts.get(i + 1) ?? { entered: 0, advanced: 0, medianMs: null, p90Ms: null };
    const last = i === stageNames.length - 1;
    const round = (ms: number | null) => (ms === null || !Number.isFinite(ms) || c.advanced === 0 ? null : Math.round(ms * 1000) / 1000);
    return {
      stage,
      entered: c.entered,
      advanced: last ? null : c.advanced,
      dropped: last ? null : c.entered - c.advanced,
      conversion_to_next: last || c.entered === 0 ? null : Math.round((c.advanced / c.entered) * 1e6) / 1e6,
      median_time_to_next_ms: last ? null : round(c.medianMs),
      p90_time_to_next_ms: last ? null : round(c.p90Ms),
    };
  });
}

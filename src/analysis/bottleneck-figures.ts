import { twoProportionZTest } from './statistics.js';
import { countsAt, type StageBreakdown } from './stage-breakdown.js';

/** One stage transition of a period, compared with the baseline period when there is one. */
export interface TransitionFigures {
  from_stage: string;
  to_stage: string;
  /** 1-based index of from_stage. */
  stage_index: number;
  entered: number;
  advanced: number;
  conversion: number | null;
  baseline_entered: number;
  baseline_advanced: number;
  baseline_conversion: number | null;
  /** Sessions lost at this step: entered − advanced. */
  lost: number;
  /** Conversions lost against the baseline: entered × (baseline conversion − conversion); negative when better. */
  lost_vs_baseline: number | null;
  /** (conversion − baseline) / baseline. */
  relative_change: number | null;
  /** Two-proportion z-test of conversion against the baseline's, two-sided. */
  p_value: number | null;
  /** p below the family-wise level divided by the number of transitions tested (Bonferroni). */
  significant: boolean;
  /** lost / all sessions lost at any step. */
  share_of_dropoff: number;
}

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);

/**
 * Figures of every transition k → k+1 of the ordered funnel. Without a
 * baseline (or an empty one) the comparison fields are null and nothing is
 * significant.
 */
export function transitionFigures(options: {
  stageNames: readonly string[];
  current: StageBreakdown;
  baseline: StageBreakdown | undefined;
  /** Family-wise significance level (default 0.05). */
  alpha?: number;
}): TransitionFigures[] {
  const { stageNames, current, baseline } = options;
  const steps = stageNames.length - 1;
  const totalLost = Array.from({ length: steps }, (_, i) => {
    const c = countsAt(current.overall, i + 1);
    return c.entered - c.advanced;
  }).reduce((a, b) => a + b, 0);
  const raw = Array.from({ length: steps }, (_, i) => {
    const k = i + 1;
    const now = countsAt(current.overall, k);
    const before = countsAt(baseline?.overall, k);
    const conversion = ratio(now.advanced, now.entered);
    const baselineConversion = ratio(before.advanced, before.entered);
    const compared = conversion !== null && baselineConversion !== null;
    const test = compared
      ? twoProportionZTest({ trials: now.entered, successes: now.advanced }, { trials: before.entered, successes: before.advanced })
      : undefined;
    return {
      from_stage: stageNames[i]!,
      to_stage: stageNames[i + 1]!,
      stage_index: k,
      entered: now.entered,
      advanced: now.advanced,
      conversion,
      baseline_entered: before.entered,
      baseline_advanced: before.advanced,
      baseline_conversion: baselineConversion,
      lost: now.entered - now.advanced,
      lost_vs_baseline: compared ? now.entered * (baselineConversion - conversion) : null,
      relative_change: compared && baselineConversion > 0 ? (conversion - baselineConversion) / baselineConversion : null,
      p_value: test ? test.pValue : null,
      significant: false,
      share_of_dropoff: totalLost === 0 ? 0 : (now.entered - now.advanced) / totalLost,
    };
  });
  const tested = raw.filter((t) => t.p_value !== null).length;
  const level = (options.alpha ?? 0.05) / Math.max(1, tested);
  return raw.map((t) => ({ ...t, significant: t.p_value !== null && t.p_value < level }));
}

/** A bottleneck: a significant drop against the baseline or, without a baseline, any step that loses sessions. */
export function isBottleneck(t: TransitionFigures, hasBaseline: boolean): boolean {
  return hasBaseline ? t.significant && (t.lost_vs_baseline ?? 0) > 0 : t.lost > 0;
}

/**
 * Ranks transitions: with a baseline, significant drops first by conversions
 * lost against the baseline, then the rest by the same; without one, by
 * share of all drop-off. Ties keep funnel order.
 */
export function rankTransitions(transitions: readonly TransitionFigures[], hasBaseline: boolean): TransitionFigures[] {
  const key = (t: TransitionFigures) => (hasBaseline ? (t.lost_vs_baseline ?? -Infinity) : t.share_of_dropoff);
  return [...transitions].sort(
    (a, b) =>
      Number(isBottleneck(b, hasBaseline)) - Number(isBottleneck(a, hasBaseline)) || key(b) - key(a) || a.stage_index - b.stage_index,
  );
}

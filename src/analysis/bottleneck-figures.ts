import { twoProportionZTest } from './statistics.js';
import { atStage, countsAt, type StageBreakdown } from './stage-breakdown.js';

/** One stage transition of a period, compared with the baseline period when there is one. */
export interface TransitionFigures {
  from_stage: string;
  to_stage: string;
  /** 1-based index of from_stage. */
  stage_index: number;
  /** Journeys whose level is ≥ k (excluded ones left out): the funnel's and the abandonment rule's number. */
  entered: number;
  /** Of those, entered without an event of stage k: they passed it, so they are not in its conversion. */
  skipped: number;
  /** With an event of stage k and a level beyond it. */
  advanced: number;
  /** advanced / (entered − skipped). */
  conversion: number | null;
  baseline_entered: number;
  baseline_skipped: number;
  baseline_advanced: number;
  baseline_conversion: number | null;
  /** Journeys lost at this step: entered − skipped − advanced (their furthest stage is k). */
  lost: number;
  /** Conversions lost against the baseline: (entered − skipped) × (baseline conversion − conversion); negative when better. */
  lost_vs_baseline: number | null;
  /** (conversion − baseline) / baseline. */
  relative_change: number | null;
  /** Two-proportion z-test of conversion against the baseline's on (entered − skipped, advanced), two-sided. */
  p_value: number | null;
  /** p below the family-wise level divided by the number of transitions tested (Bonferroni). */
  significant: boolean;
  /** lost / all journeys lost at any step. */
  share_of_dropoff: number;
}

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);

/**
 * Figures of every transition k → k+1 of one funnel (mode, level). Skipped
 * journeys never inflate a conversion: conversions, z-tests and the loss are
 * computed on the journeys that really were at stage k (entered − skipped).
 * Without a baseline (or an empty one) the comparison fields are null and
 * nothing is significant.
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
    return atStage(c) - c.advanced;
  }).reduce((a, b) => a + b, 0);
  const raw = Array.from({ length: steps }, (_, i) => {
    const k = i + 1;
    const now = countsAt(current.overall, k);
    const before = countsAt(baseline?.overall, k);
    const conversion = ratio(now.advanced, atStage(now));
    const baselineConversion = ratio(before.advanced, atStage(before));
    const compared = conversion !== null && baselineConversion !== null;
    const test = compared
      ? twoProportionZTest({ trials: atStage(now), successes: now.advanced }, { trials: atStage(before), successes: before.advanced })
      : undefined;
    const lost = atStage(now) - now.advanced;
    return {
      from_stage: stageNames[i]!,
      to_stage: stageNames[i + 1]!,
      stage_index: k,
      entered: now.entered,
      skipped: now.skipped,
      advanced: now.advanced,
      conversion,
      baseline_entered: before.entered,
      baseline_skipped: before.skipped,
      baseline_advanced: before.advanced,
      baseline_conversion: baselineConversion,
      lost,
      lost_vs_baseline: compared ? atStage(now) * (baselineConversion - conversion) : null,
      relative_change: compared && baselineConversion > 0 ? (conversion - baselineConversion) / baselineConversion : null,
      p_value: test ? test.pValue : null,
      significant: false,
      share_of_dropoff: totalLost === 0 ? 0 : lost / totalLost,
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

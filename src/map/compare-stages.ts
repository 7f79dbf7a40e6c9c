/**
 * Per-stage comparison of two funnels (a period against the one before, or
 * one variant against another; docs/semantics.md, "The journey map"): each
 * stage's conversion to next on the journeys that were at it (entered −
 * skipped), a two-sided two-proportion z-test at alpha / stages tested
 * (Bonferroni), and no verdict under MIN_SAMPLE journeys on either side.
 */
import { twoProportionZTest } from '../analysis/statistics.js';
import { atStage, countsAt, type StepCounts } from '../analysis/stage-breakdown.js';
import type { ComparedStage } from './journey-map.js';

/** Journeys at a stage on each side below which no verdict is given. */
export const MIN_SAMPLE = 30;
export const COMPARISON_ALPHA = 0.05;

const conversion = (advanced: number, at: number) => (at === 0 ? null : Math.round((advanced / at) * 1e6) / 1e6);

export function compareStages(
  stageNames: readonly string[],
  a: ReadonlyMap<number, StepCounts>,
  b: ReadonlyMap<number, StepCounts>,
  options: { minSample?: number; alpha?: number } = {},
): ComparedStage[] {
  const minSample = options.minSample ?? MIN_SAMPLE;
  const alpha = options.alpha ?? COMPARISON_ALPHA;
  const rows = stageNames.map((stage, i) => {
    const ca = countsAt(a, i + 1);
    const cb = countsAt(b, i + 1);
    const last = i === stageNames.length - 1;
    const aAt = atStage(ca);
    const bAt = atStage(cb);
    const aConversion = last ? null : conversion(ca.advanced, aAt);
    const bConversion = last ? null : conversion(cb.advanced, bAt);
    return {
      stage,
      a_at: aAt,
      a_advanced: last ? 0 : ca.advanced,
      a_conversion: aConversion,
      b_at: bAt,
      b_advanced: last ? 0 : cb.advanced,
      b_conversion: bConversion,
      difference: aConversion === null || bConversion === null ? null : Math.round((aConversion - bConversion) * 1e6) / 1e6,
      tested: !last && aAt >= minSample && bAt >= minSample,
    };
  });
  const tested = rows.filter((row) => row.tested).length;
  return rows.map(({ tested: isTested, ...row }, i): ComparedStage => {
    if (i === stageNames.length - 1) return { ...row, p_value: null, significant: false, verdict: 'not applicable' };
    if (!isTested) return { ...row, p_value: null, significant: false, verdict: 'too few to tell' };
    const { pValue } = twoProportionZTest({ trials: row.a_at, successes: row.a_advanced }, { trials: row.b_at, successes: row.b_advanced });
    const significant = pValue < alpha / tested;
    const verdict = !significant ? 'no significant difference' : row.difference! > 0 ? 'better' : 'worse';
    return { ...row, p_value: pValue, significant, verdict };
  });
}

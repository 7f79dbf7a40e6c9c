import { errorFunction, zScore } from 'simple-statistics';

/** A count of sessions and how many of them had the outcome of interest (dropped, abandoned). */
export interface Proportion {
  /** Sessions observed. */
  trials: number;
  /** Sessions with the outcome. */
  successes: number;
}

export interface ZTestResult {
  /** Standard errors by which the first proportion exceeds the second (negative when below). */
  z: number;
  /** Two-sided p-value. */
  pValue: number;
}

/**
 * P(Z ≥ z) of the standard normal, from simple-statistics' error function.
 * Why not its cumulativeStdNormalProbability: that is a 2-decimal table that
 * saturates at z = 3.09, so every p-value below 0.001 would read as 0.001.
 */
export function normalUpperTail(z: number): number {
  return 0.5 * (1 - errorFunction(z / Math.SQRT2));
}

/**
 * Pooled two-proportion z-test of `a` against `b`: z > 0 when a's rate is
 * higher. `dispersion` (≥ 1) widens the variance for counts that vary more
 * than binomially (a quasi-binomial test). With no trials on either side, or
 * no variance at all (both rates 0 or both 1), there is no evidence: z = 0, p = 1.
 */
export function twoProportionZTest(a: Proportion, b: Proportion, options: { dispersion?: number } = {}): ZTestResult {
  if (a.trials === 0 || b.trials === 0) return { z: 0, pValue: 1 };
  const pooled = (a.successes + b.successes) / (a.trials + b.trials);
  const standardError = Math.sqrt((options.dispersion ?? 1) * pooled * (1 - pooled) * (1 / a.trials + 1 / b.trials));
  if (!(standardError > 0)) return { z: 0, pValue: 1 };
  const z = zScore(a.successes / a.trials, b.successes / b.trials, standardError);
  return { z, pValue: Math.min(1, 2 * normalUpperTail(Math.abs(z))) };
}

/**
 * Odds ratio of the outcome in `a` versus `b`, with +1 added to each of the
 * four cells so that empty cells give a finite, shrunk ratio instead of 0 or ∞.
 */
export function smoothedOddsRatio(a: Proportion, b: Proportion): number {
  const oddsA = (a.successes + 1) / (a.trials - a.successes + 1);
  const oddsB = (b.successes + 1) / (b.trials - b.successes + 1);
  return oddsA / oddsB;
}

/** A p-value as a sentence shows it: `p < 0.001`, `p = 0.012`, `p = 0.34`. */
export function formatPValue(pValue: number): string {
  if (pValue < 0.001) return 'p < 0.001';
  if (pValue < 0.01) return `p = ${pValue.toFixed(3)}`;
  return `p = ${pValue.toFixed(2)}`;
}

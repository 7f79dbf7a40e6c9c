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

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; ~15 significant digits). */
function logGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-14) break;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b), a, b > 0. */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(a, b, x)) / a : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/**
 * P(X ≥ successes) for X ~ Binomial(trials, rate): the exact one-sided tail,
 * I_rate(successes, trials − successes + 1). Counts may be fractional (a
 * quasi-binomial test divides both by the dispersion), which the incomplete
 * beta function takes as they are. Exact where the normal approximation is
 * worst: a handful of sessions, all abandoned.
 */
export function binomialUpperTail(trials: number, successes: number, rate: number): number {
  if (successes <= 0) return 1;
  if (successes > trials) return 0;
  if (rate <= 0) return 0;
  if (rate >= 1) return 1;
  return regularizedBeta(rate, successes, trials - successes + 1);
}

/**
 * The z with P(Z ≥ z) = p (the standard normal's upper quantile): Acklam's
 * rational approximation (relative error < 1.2e-9), accurate far into the
 * tail where 1 − p rounds to 1. Used to report a tail probability as a z-score.
 */
export function normalUpperQuantile(p: number): number {
  if (p <= 0) return Infinity;
  if (p >= 1) return -Infinity;
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  // Lower quantile of q = p, negated: P(Z ≤ −z) = p.
  const q = p;
  let x: number;
  if (q < 0.02425) {
    const t = Math.sqrt(-2 * Math.log(q));
    x = (((((c[0]! * t + c[1]!) * t + c[2]!) * t + c[3]!) * t + c[4]!) * t + c[5]!) / ((((d[0]! * t + d[1]!) * t + d[2]!) * t + d[3]!) * t + 1);
  } else if (q <= 1 - 0.02425) {
    const t = q - 0.5;
    const r = t * t;
    x = ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * t) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const t = Math.sqrt(-2 * Math.log(1 - q));
    x = -(((((c[0]! * t + c[1]!) * t + c[2]!) * t + c[3]!) * t + c[4]!) * t + c[5]!) / ((((d[0]! * t + d[1]!) * t + d[2]!) * t + d[3]!) * t + 1);
  }
  return -x;
}

import { ALERT_BUCKET_MS } from '../journey/alert-rules.js';
import { binomialUpperTail, normalUpperQuantile, normalUpperTail } from './statistics.js';
import type { AlertPolicy, Baseline, BucketCounts, BucketSeries, RunFigures } from './alert-types.js';

/**
 * What one evaluated bucket says:
 * - `firing`: the strongest run ending here that is worse enough to fire, if any;
 * - `recent`: the shortest run with enough sessions (the freshest evidence),
 *   and whether it is back to normal — what resolving an open alert looks
 *   at, so that older anomalous buckets still inside the window do not hold
 *   an alert open;
 * - both undefined when no run has enough sessions to say anything.
 */
export interface BucketVerdict {
  firing: RunFigures | undefined;
  recent: (RunFigures & { normal: boolean }) | undefined;
}

/**
 * The one-sided test of a run: P(X ≥ bad) for X ~ Binomial(sessions,
 * expected rate), exact (incomplete beta), with both counts divided by the
 * baseline's dispersion (quasi-binomial: traffic varies more than a coin).
 * Buckets read early have a different expected rate per age, so X is a sum of
 * binomials with different rates; the binomial with their mean rate has the
 * larger variance, so the tail is conservative.
 */
export function runTail(options: { sessions: number; bad: number; expectedRate: number; dispersion: number }): { pValue: number; zScore: number } {
  const { sessions, bad, expectedRate, dispersion } = options;
  if (sessions <= 0) return { pValue: 1, zScore: 0 };
  const pValue = binomialUpperTail(sessions / dispersion, bad / dispersion, expectedRate);
  return { pValue, zScore: Math.max(-40, Math.min(40, normalUpperQuantile(pValue))) };
}

/**
 * The freshest evidence for resolving: the shortest run with `minSessions`
 * ending at the evaluated bucket, or — when buckets are read early — at the
 * one before it: a bucket that has just ended has had no time to order
 * (~90 % of its checkouts are still open either way), so it says nothing
 * about being back to normal.
 */
function recentRun(options: { series: BucketSeries; bucketMs: number; baseline: Baseline; policy: AlertPolicy; earliestStartMs: number }): RunFigures | undefined {
  const { series, policy, baseline } = options;
  const finalRate = baseline.bad / baseline.sessions;
  const skip = policy.earlyBuckets > 0 ? 1 : 0;
  let sessions = 0;
  let bad = 0;
  let expected = 0;
  for (let length = 1 + skip; length <= policy.windowBuckets; length++) {
    const runStartMs = options.bucketMs - (length - 1) * ALERT_BUCKET_MS;
    if (runStartMs < options.earliestStartMs) break;
    const counts = series.get(runStartMs);
    if (counts && counts.sessions > 0) {
      const read = length <= policy.earlyBuckets && counts.open !== undefined && baseline.openRates !== undefined;
      sessions += counts.sessions;
      bad += read ? counts.open![length - 1]! : counts.bad;
      expected += counts.sessions * (read ? baseline.openRates![length - 1]! : finalRate);
    }
    if (sessions < policy.minSessions) continue;
    const baselineRate = expected / sessions;
    const { pValue, zScore } = runTail({ sessions, bad, expectedRate: baselineRate, dispersion: baseline.dispersion });
    return { runStartMs, sessions, bad, rate: bad / sessions, baseline, baselineRate, pValue, zScore };
  }
  return undefined;
}

/**
 * Tests every run of buckets ending at `bucketMs` (1 bucket, 2, … up to
 * `windowBuckets`, none starting before `earliestStartMs`) against the
 * baseline. The evaluated bucket has just ended: a bucket j + 1 buckets old
 * counts its journeys still open at that age (no order yet, censored) while
 * j < `earlyBuckets` and its final outcomes after that, each against what the
 * baseline had open at the same age. A run fires when it has `minSessions`,
 * a one-sided exact binomial tail (see runTail), multiplied by the number of
 * distinct runs tested here (Bonferroni: runs that add an empty bucket repeat
 * a test), below that of `minZScore`, and a rise ≥ `minAbsoluteChange` over
 * its expected rate. The reported p-value and z are the adjusted ones. Short runs answer fast
 * at high volume, long ones still answer at low volume; of the runs that fire,
 * the one with the smallest tail names the onset (on equal, the shorter, so
 * empty leading buckets never move the onset earlier).
 */
export function scanBucket(options: {
  series: BucketSeries;
  bucketMs: number;
  baseline: Baseline;
  policy: AlertPolicy;
  earliestStartMs: number;
}): BucketVerdict {
  const { series, policy, baseline } = options;
  const finalRate = baseline.bad / baseline.sessions;
  const maxPValue = normalUpperTail(policy.minZScore);
  let sessions = 0;
  let bad = 0;
  let expected = 0;
  let best: RunFigures | undefined;
  let shortest: RunFigures | undefined;
  const early = (counts: BucketCounts, age: number) => age <= policy.earlyBuckets && counts.open !== undefined && baseline.openRates !== undefined;
  // Runs that hold different journeys (a run adding an empty bucket repeats the test before it).
  let distinctRuns = 0;
  for (let length = 1; length <= policy.windowBuckets; length++) {
    const runStartMs = options.bucketMs - (length - 1) * ALERT_BUCKET_MS;
    if (runStartMs < options.earliestStartMs) break;
    const counts = series.get(runStartMs);
    if (counts && counts.sessions > 0) {
      // This bucket is `length` buckets old when the evaluated one ends.
      const read = early(counts, length);
      sessions += counts.sessions;
      bad += read ? counts.open![length - 1]! : counts.bad;
      expected += counts.sessions * (read ? baseline.openRates![length - 1]! : finalRate);
    }
    if (sessions < policy.minSessions) continue;
    if (counts && counts.sessions > 0) distinctRuns++;
    const rate = bad / sessions;
    const baselineRate = expected / sessions;
    const worseEnough = rate - baselineRate >= policy.minAbsoluteChange;
    if (!worseEnough) continue;
    const { pValue, zScore } = runTail({ sessions, bad, expectedRate: baselineRate, dispersion: baseline.dispersion });
    if (best === undefined || pValue < best.pValue) best = { runStartMs, sessions, bad, rate, baseline, baselineRate, pValue, zScore };
  }
  shortest = recentRun(options);
  // Bonferroni over the distinct runs of this evaluation: the family is tested at minZScore's tail.
  if (best) {
    const adjusted = Math.min(1, best.pValue * Math.max(1, distinctRuns));
    best = adjusted <= maxPValue ? { ...best, pValue: adjusted, zScore: Math.max(-40, Math.min(40, normalUpperQuantile(adjusted))) } : undefined;
  }
  if (!shortest) return { firing: best, recent: undefined };
  // Back to normal: close to the baseline, or not significantly worse AND no longer worse by the minimum change.
  // A few checkouts still 30 points worse give a small z only because they are few: not normal.
  const worsening = shortest.rate - shortest.baselineRate;
  const normal = worsening < policy.minAbsoluteChange / 2 || (shortest.zScore < policy.resolveBelowZScore && worsening < policy.minAbsoluteChange);
  return { firing: best, recent: { ...shortest, normal } };
}

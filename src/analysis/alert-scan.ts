import { ALERT_BUCKET_MS } from '../journey/alert-rules.js';
import { twoProportionZTest } from './statistics.js';
import type { AlertPolicy, Baseline, BucketSeries, RunFigures } from './alert-types.js';

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
 * Tests every run of buckets ending at `bucketMs` (1 bucket, 2, … up to
 * `windowBuckets`, none starting before `earliestStartMs`) against the
 * baseline with a pooled two-proportion z-test (widened by the baseline's
 * dispersion). A run fires when it has `minSessions`, z ≥ `minZScore` and a
 * rise ≥ `minAbsoluteChange`. Short runs answer fast at high volume, long
 * ones still answer at low volume; of the
 * runs that fire, the one with the highest z names the onset (on equal z the
 * shorter, so empty leading buckets never move the onset earlier).
 */
export function scanBucket(options: {
  series: BucketSeries;
  bucketMs: number;
  baseline: Baseline;
  policy: AlertPolicy;
  earliestStartMs: number;
}): BucketVerdict {
  const { series, policy, baseline } = options;
  const baselineRate = baseline.bad / baseline.sessions;
  let sessions = 0;
  let bad = 0;
  let best: RunFigures | undefined;
  let shortest: RunFigures | undefined;
  for (let length = 1; length <= policy.windowBuckets; length++) {
    const runStartMs = options.bucketMs - (length - 1) * ALERT_BUCKET_MS;
    if (runStartMs < options.earliestStartMs) break;
    const counts = series.get(runStartMs);
    sessions += counts?.sessions ?? 0;
    bad += counts?.bad ?? 0;
    if (sessions < policy.minSessions) continue;
    const { z } = twoProportionZTest(
      { trials: sessions, successes: bad },
      { trials: baseline.sessions, successes: baseline.bad },
      { dispersion: baseline.dispersion },
    );
    const figures: RunFigures = { runStartMs, sessions, bad, rate: bad / sessions, baseline, baselineRate, zScore: z };
    shortest ??= figures;
    const fires = z >= policy.minZScore && figures.rate - baselineRate >= policy.minAbsoluteChange;
    if (fires && (best === undefined || z > best.zScore)) best = figures;
  }
  if (!shortest) return { firing: best, recent: undefined };
  const normal = shortest.zScore < policy.resolveBelowZScore || shortest.rate - baselineRate < policy.minAbsoluteChange / 2;
  return { firing: best, recent: { ...shortest, normal } };
}

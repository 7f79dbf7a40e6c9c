import { ALERT_BUCKET_MS } from '../journey/alert-rules.js';
import { baselineFor } from './alert-baseline.js';
import { scanBucket } from './alert-scan.js';
import type { AlertPolicy, AlertState, BucketSeries, ExcludedSpan, StateChange } from './alert-types.js';

/**
 * Runs one rule's state machine over the buckets fromMs..toMs (inclusive,
 * 5-minute steps), all of whose outcomes must be known. Pure and
 * deterministic: the same series and starting state give the same changes,
 * which is what makes replays and repeated evaluations idempotent.
 *
 * - closed → fired: an anomalous bucket at or after the cooldown; the alert
 *   is named by the onset (first bucket of the strongest run).
 * - fired → resolved: `resolveAfterBuckets` consecutive buckets whose most
 *   recent run with enough sessions is normal (insufficient buckets neither
 *   count nor break the streak).
 * - While an alert is open its buckets are left out of the baseline (the
 *   trailing one ends at the onset), so a long incident does not become the
 *   new normal and resolve itself.
 */
export function walkBuckets(options: {
  series: BucketSeries;
  policy: AlertPolicy;
  state: AlertState;
  fromMs: number;
  toMs: number;
  /** Earlier incidents, left out of baselines. */
  excluded: readonly ExcludedSpan[];
}): { changes: StateChange[]; state: AlertState } {
  const { series, policy } = options;
  const excluded = [...options.excluded];
  let state: AlertState = { ...options.state };
  let normalStreak = 0;
  const changes: StateChange[] = [];
  for (let bucketMs = options.fromMs; bucketMs <= options.toMs; bucketMs += ALERT_BUCKET_MS) {
    const open = state.open;
    const windowStartMs = bucketMs - (policy.windowBuckets - 1) * ALERT_BUCKET_MS;
    const baseline = baselineFor({
      series,
      evaluatedBucketMs: bucketMs,
      // While open, the trailing baseline is the period just before the incident: however
      // long it lasts, "back to normal" is judged against what normal was.
      windowStartMs: open ? Math.min(windowStartMs, open.onsetMs) : windowStartMs,
      policy,
      excluded: open ? [...excluded, { fromMs: open.onsetMs, toMs: Infinity }] : excluded,
    });
    if (!baseline) continue;
    // A new alert's runs never reach back into the previous alert or its cooldown.
    const verdict = scanBucket({ series, bucketMs, baseline, policy, earliestStartMs: open ? -Infinity : state.cooldownUntilMs });
    if (open) {
      // Insufficient buckets neither count towards resolving nor break the streak.
      if (!verdict.recent) continue;
      normalStreak = verdict.recent.normal ? normalStreak + 1 : 0;
      if (normalStreak < policy.resolveAfterBuckets) continue;
      const { normal: _normal, ...figures } = verdict.recent;
      changes.push({ state: 'resolved', onsetMs: open.onsetMs, evaluatedBucketMs: bucketMs, figures });
      excluded.push({ fromMs: open.onsetMs, toMs: bucketMs + ALERT_BUCKET_MS });
      state = { open: null, cooldownUntilMs: bucketMs + ALERT_BUCKET_MS + policy.cooldownBuckets * ALERT_BUCKET_MS };
    } else if (verdict.firing && bucketMs >= state.cooldownUntilMs) {
      const onsetMs = verdict.firing.runStartMs;
      changes.push({ state: 'fired', onsetMs, evaluatedBucketMs: bucketMs, figures: verdict.firing });
      state = { ...state, open: { onsetMs } };
      normalStreak = 0;
    }
  }
  return { changes, state };
}

import { alertMessage } from '../notifiers/alert-message.js';
import type { AlertNotice } from '../notifiers/notifier.js';
import { ALERT_BUCKET_MS } from '../journey/alert-rules.js';
import type { CompiledAlertRule } from './alert-policy.js';
import type { StateChange } from './alert-types.js';

const iso = (ms: number) => new Date(ms).toISOString();
const round = (share: number) => Math.round(share * 1e4) / 1e4;

/**
 * A state change in the metric's own terms: the evaluator works on bad-outcome
 * rates (abandoned, not advanced); a conversion is shown as 1 − that rate.
 */
export function toAlertNotice(options: { pipeline: string; compiled: CompiledAlertRule; change: StateChange }): AlertNotice {
  const { compiled, change } = options;
  const { figures } = change;
  const asMetric = (badRate: number) => round(compiled.source.kind === 'conversion' ? 1 - badRate : badRate);
  const bucketStart = iso(change.onsetMs);
  const fields = {
    rule: compiled.rule.name,
    metricLabel: compiled.source.label,
    state: change.state,
    bucketStart,
    runStart: iso(figures.runStartMs),
    value: asMetric(figures.rate),
    baseline: asMetric(figures.baselineRate),
    sessions: figures.sessions,
    zScore: Math.round(figures.zScore * 100) / 100,
  };
  return {
    ...fields,
    id: `${compiled.rule.name}@${bucketStart}`,
    pipeline: options.pipeline,
    description: compiled.rule.description,
    metric: compiled.source.kind,
    evaluatedBucket: iso(change.evaluatedBucketMs),
    knownAt: iso(change.evaluatedBucketMs + ALERT_BUCKET_MS + compiled.source.settleMs),
    baselineKind: figures.baseline.kind,
    baselineSessions: figures.baseline.sessions,
    message: alertMessage(fields),
  };
}

import type { AlertNotice } from '../notifiers/notifier.js';
import { ALERT_BUCKET_MS } from '../journey/alert-rules.js';
import type { CompiledAlertRule } from './alert-policy.js';
import { alertTiming } from './alert-timing.js';
import type { StateChange } from './alert-types.js';

const iso = (ms: number) => new Date(ms).toISOString();
const round = (share: number) => Math.round(share * 1e4) / 1e4;
const pct = (share: number) => `${(share * 100).toFixed(1)}%`;
const utc = (ms: number) => iso(ms).slice(0, 16).replace('T', ' ');

/**
 * A state change in the metric's own terms: the evaluator works on bad-outcome
 * rates (abandoned or still open, not advanced); a conversion is shown as 1 −
 * that rate. The message names the onset, when it was known and the delay
 * (alertTiming), as every other place that shows an alert does.
 */
export function toAlertNotice(options: { pipeline: string; compiled: CompiledAlertRule; change: StateChange }): AlertNotice {
  const { compiled, change } = options;
  const { figures } = change;
  const asMetric = (badRate: number) => round(compiled.source.kind === 'conversion' ? 1 - badRate : badRate);
  const bucketStart = iso(change.onsetMs);
  const knownAtMs = change.evaluatedBucketMs + ALERT_BUCKET_MS + compiled.source.settleMs;
  const value = asMetric(figures.rate);
  const baseline = asMetric(figures.baselineRate);
  const zScore = Math.round(figures.zScore * 100) / 100;
  const unit = compiled.source.level === 'person' ? 'journeys' : 'sessions';
  const what =
    compiled.source.kind === 'conversion'
      ? `${pct(value)} converted`
      : `${pct(value)} not completed (abandoned, or still without ${compiled.source.label.split(' → ')[1]?.split(' ')[0] ?? 'the next stage'} so far)`;
  const figuresText = `${what} of ${figures.sessions} ${unit} from ${utc(figures.runStartMs)} UTC (expected ${pct(baseline)}, z = ${zScore.toFixed(1)})`;
  const timing = alertTiming({ onset: change.onsetMs, knownAt: knownAtMs, state: change.state }).text;
  const message =
    change.state === 'fired'
      ? `${compiled.rule.name} fired: ${compiled.source.label}: ${figuresText}; ${timing}`
      : `${compiled.rule.name} resolved: ${compiled.source.label} back to normal: ${figuresText}; ${timing}`;
  return {
    id: `${compiled.rule.name}@${bucketStart}`,
    pipeline: options.pipeline,
    rule: compiled.rule.name,
    description: compiled.rule.description,
    metric: compiled.source.kind,
    metricLabel: compiled.source.label,
    state: change.state,
    bucketStart,
    evaluatedBucket: iso(change.evaluatedBucketMs),
    knownAt: iso(knownAtMs),
    runStart: iso(figures.runStartMs),
    value,
    baseline,
    baselineKind: figures.baseline.kind,
    baselineSessions: figures.baseline.sessions,
    sessions: figures.sessions,
    zScore,
    message,
  };
}

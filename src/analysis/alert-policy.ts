import { ALERT_BUCKET_MS, type AlertRule } from '../journey/alert-rules.js';
import type { JourneyDefinition } from '../journey/definition-schema.js';
import type { AlertPolicy } from './alert-types.js';

/** Where an alert's bucket series comes from and when a bucket's outcomes are known. */
export type AlertSource =
  | { kind: 'abandonment_rate'; abandonmentRule: string; label: string; settleMs: number }
  | { kind: 'conversion'; stageIndex: number; label: string; settleMs: number };

/** An alert rule ready to evaluate: its policy in buckets and its data source. */
export interface CompiledAlertRule {
  rule: AlertRule;
  policy: AlertPolicy;
  source: AlertSource;
}

/**
 * Compiles a validated rule of `definition`. A bucket is known `settleMs`
 * after it ends: an abandonment rule's window (every outcome is decided by
 * then), or for a conversion the inactivity gap (a session whose last event
 * is older than that has closed).
 */
export function compileAlertRule(rule: AlertRule, definition: JourneyDefinition): CompiledAlertRule {
  const buckets = (ms: number) => Math.ceil(ms / ALERT_BUCKET_MS);
  const policy: AlertPolicy = {
    windowBuckets: buckets(rule.window),
    minZScore: rule.minZScore,
    minSessions: rule.minSessions,
    minAbsoluteChange: rule.minAbsoluteChange,
    resolveBelowZScore: rule.resolve.belowZScore,
    resolveAfterBuckets: rule.resolve.afterBuckets,
    cooldownBuckets: buckets(rule.cooldown),
    seasonalWeeks: rule.baseline.seasonalWeeks,
    trailingBuckets: buckets(rule.baseline.trailing),
    baselineMinSessions: rule.baseline.minSessions,
  };
  const metric = rule.metric;
  if ('abandonmentRate' in metric) {
    const abandonment = definition.abandonment.find((r) => r.name === metric.abandonmentRate);
    if (!abandonment) throw new Error(`alert ${rule.name}: unknown abandonment rule ${metric.abandonmentRate}`);
    return {
      rule,
      policy,
      source: {
        kind: 'abandonment_rate',
        abandonmentRule: abandonment.name,
        label: `${abandonment.from} → ${abandonment.to} abandonment (${abandonment.name})`,
        settleMs: abandonment.within,
      },
    };
  }
  const names = definition.stages.map((s) => s.name);
  const index = names.indexOf(metric.conversion);
  if (index < 0 || index === names.length - 1) throw new Error(`alert ${rule.name}: ${metric.conversion} has no next stage`);
  return {
    rule,
    policy,
    source: {
      kind: 'conversion',
      stageIndex: index + 1,
      label: `${names[index]} → ${names[index + 1]} conversion`,
      settleMs: definition.sessions.inactivityGap,
    },
  };
}

/** The last bucket start whose outcomes are known at `nowMs` (bucket end + settle ≤ now). */
export function lastKnownBucketMs(nowMs: number, settleMs: number): number {
  return Math.floor((nowMs - settleMs - ALERT_BUCKET_MS) / ALERT_BUCKET_MS) * ALERT_BUCKET_MS;
}

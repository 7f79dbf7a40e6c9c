import { ALERT_BUCKET_MS, type AlertRule } from '../journey/alert-rules.js';
import type { FunnelLevel, FunnelMode, JourneyDefinition } from '../journey/definition-schema.js';
import type { AlertPolicy } from './alert-types.js';

/**
 * Where an alert's bucket series comes from (one funnel: level and mode) and
 * when a bucket is judged: `settleMs` after it ends (0 = as soon as it ends,
 * reading still-open outcomes early; `finalMs` after it ends all are known).
 */
export type AlertSource = { level: FunnelLevel; mode: FunnelMode; label: string; settleMs: number; finalMs: number } & (
  | { kind: 'abandonment_rate'; abandonmentRule: string; toIndex: number }
  | { kind: 'conversion'; stageIndex: number }
);

/** An alert rule ready to evaluate: its policy in buckets and its data source. */
export interface CompiledAlertRule {
  rule: AlertRule;
  policy: AlertPolicy;
  source: AlertSource;
}

/**
 * Compiles a validated rule of `definition`; level and mode default to the
 * pipeline's funnel.level and funnel.mode. An abandonment rate is judged as
 * soon as a bucket ends: journeys without the `to` stage yet count as open
 * (censored) against the baseline's open share at the same age, until the
 * rule's window closes on them (`earlyBuckets`). A conversion is judged once
 * its sessions closed (the inactivity gap after the bucket).
 */
export function compileAlertRule(rule: AlertRule, definition: JourneyDefinition): CompiledAlertRule {
  const buckets = (ms: number) => Math.ceil(ms / ALERT_BUCKET_MS);
  const level = rule.level ?? definition.funnel.level;
  const mode = rule.mode ?? definition.funnel.mode;
  const policy: AlertPolicy = {
    windowBuckets: buckets(rule.window),
    earlyBuckets: 0,
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
    const toIndex = definition.stages.findIndex((s) => s.name === abandonment.to) + 1;
    return {
      rule,
      // A bucket's last outcome is decided `within` after its end: until then it is read early.
      policy: { ...policy, earlyBuckets: buckets(abandonment.within) },
      source: {
        kind: 'abandonment_rate',
        level,
        mode,
        abandonmentRule: abandonment.name,
        toIndex,
        label: `${abandonment.from} → ${abandonment.to} abandonment (${abandonment.name})`,
        settleMs: 0,
        finalMs: abandonment.within,
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
      level,
      mode,
      stageIndex: index + 1,
      label: `${names[index]} → ${names[index + 1]} conversion`,
      settleMs: definition.sessions.inactivityGap,
      finalMs: definition.sessions.inactivityGap,
    },
  };
}

/** The last bucket start whose outcomes are known at `nowMs` (bucket end + settle ≤ now). */
export function lastKnownBucketMs(nowMs: number, settleMs: number): number {
  return Math.floor((nowMs - settleMs - ALERT_BUCKET_MS) / ALERT_BUCKET_MS) * ALERT_BUCKET_MS;
}

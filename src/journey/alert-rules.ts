import { z } from 'zod';
import { durationMs } from '../core/duration.js';

/** Mirrors FUNNEL_MODES / FUNNEL_LEVELS of definition-schema.ts (which imports this file). */
const ALERT_MODES = ['reached', 'ordered', 'strict', 'any'] as const;
const ALERT_LEVELS = ['session', 'person'] as const;

/** Alert metrics are evaluated on 5-minute buckets, the grain of abandonment_5m. */
export const ALERT_BUCKET_MS = 300_000;

const ruleName = z.string().regex(/^[a-z][a-z0-9_]*$/, 'alert names are lower_snake_case');

/** A duration that is a whole number of 5-minute buckets, between `minMs` and `maxMs`. */
function bucketDuration(minMs: number, maxMs: number) {
  return durationMs.refine((ms) => ms % ALERT_BUCKET_MS === 0 && ms >= minMs && ms <= maxMs, {
    message: `expected a multiple of 5m between ${minMs / 60_000}m and ${maxMs / 60_000}m`,
  });
}

/** What an alert watches: the rate of an abandonment rule (worse = higher) or a stage's conversion to the next stage (worse = lower). */
export const alertMetricSchema = z.union([
  z.strictObject({
    abandonmentRate: z
      .string()
      .min(1)
      .describe('Name of an abandonment rule; its outcome is known once the rule\'s window has passed, so a short window alerts sooner'),
  }),
  z.strictObject({
    conversion: z.string().min(1).describe('Stage whose conversion to the next stage is watched; known once its sessions closed'),
  }),
]);

const DEFAULT_BASELINE = { seasonalWeeks: 4, trailing: 86_400_000, minSessions: 100 };
const DEFAULT_RESOLVE = { belowZScore: 2, afterBuckets: 2 };

/**
 * One alert rule. Every 5-minute bucket is evaluated as soon as it ends
 * (abandonment: its journeys still without the `to` stage count as open,
 * censored, until the rule's window closes; conversion: once its sessions
 * closed): the runs of most recent buckets (5 min up to `window`) are
 * compared with the baseline, and the rule fires when one is as improbable
 * as `minZScore` AND has `minSessions` sessions AND differs by at least
 * `minAbsoluteChange`. It resolves after `resolve.afterBuckets` normal
 * buckets, and does not fire again within `cooldown` of resolving.
 */
export const alertRuleSchema = z.strictObject({
  name: ruleName,
  description: z.string().optional(),
  metric: alertMetricSchema,
  level: z.preprocess((v) => (v === 'journey' ? 'person' : v), z.enum(ALERT_LEVELS)).optional().describe("Count sessions or people's journeys (default: the pipeline's funnel.level)"),
  mode: z.enum(ALERT_MODES).optional().describe("Funnel mode whose progress the metric is read off (default: the pipeline's funnel.mode)"),
  window: bucketDuration(ALERT_BUCKET_MS, 14_400_000)
    .default(3_600_000)
    .describe('Longest run of recent buckets tested against the baseline; shorter runs are tested too, the strongest names the onset'),
  minZScore: z
    .number()
    .positive()
    .default(5)
    .describe('How improbable a run must be to fire: its exact one-sided binomial tail under the baseline below that of this z (5 = 2.9e-7)'),
  minSessions: z.number().int().positive().default(8).describe('Sessions a run needs before it may fire (or count as back to normal)'),
  minAbsoluteChange: z
    .number()
    .min(0)
    .max(1)
    .default(0.15)
    .describe('Smallest change of the rate (0.1 = 10 percentage points) worth an alert'),
  cooldown: durationMs.default(1_800_000).describe('After resolving, the rule does not fire again for this long (event time)'),
  resolve: z
    .strictObject({
      belowZScore: z.number().positive().default(DEFAULT_RESOLVE.belowZScore).describe('A run below this z-score (or below half the minimum change) is normal'),
      afterBuckets: z.number().int().positive().default(DEFAULT_RESOLVE.afterBuckets).describe('Consecutive normal buckets that resolve an alert'),
    })
    .default(DEFAULT_RESOLVE),
  baseline: z
    .strictObject({
      seasonalWeeks: z
        .number()
        .int()
        .min(0)
        .max(12)
        .default(DEFAULT_BASELINE.seasonalWeeks)
        .describe('Weeks of history for the hour-of-week baseline (same hour ± 1 h in previous weeks); 0 turns it off'),
      trailing: durationMs.default(DEFAULT_BASELINE.trailing).describe('Trailing window used when the hour-of-week history is too thin'),
      minSessions: z.number().int().positive().default(DEFAULT_BASELINE.minSessions).describe('Sessions a baseline needs to be used at all'),
    })
    .default(DEFAULT_BASELINE),
});

export type AlertRule = z.infer<typeof alertRuleSchema>;
export type AlertMetric = z.infer<typeof alertMetricSchema>;

/**
 * Cross-field checks of a definition's alert rules, called from the
 * definition's superRefine: unique names, an existing abandonment rule, a
 * stage that has a next stage.
 */
export function checkAlertRules(
  def: { stages: ReadonlyArray<{ name: string }>; abandonment: ReadonlyArray<{ name: string }>; alerts: readonly AlertRule[]; funnel?: { mode?: string } },
  ctx: z.RefinementCtx,
): void {
  const stageNames = def.stages.map((s) => s.name);
  const ruleNames = def.abandonment.map((r) => r.name);
  const alertNames = def.alerts.map((a) => a.name);
  def.alerts.forEach((alert, i) => {
    if (alertNames.indexOf(alert.name) !== i) ctx.addIssue({ code: 'custom', path: ['alerts', i, 'name'], message: `duplicate alert "${alert.name}"` });
    const metric = alert.metric;
    if ('abandonmentRate' in metric && (alert.mode ?? def.funnel?.mode) === 'any') {
      ctx.addIssue({ code: 'custom', path: ['alerts', i, 'mode'], message: 'no abandonment rule is counted in any mode: use reached, ordered or strict' });
    }
    if ('abandonmentRate' in metric && !ruleNames.includes(metric.abandonmentRate)) {
      ctx.addIssue({
        code: 'custom',
        path: ['alerts', i, 'metric', 'abandonmentRate'],
        message: `unknown abandonment rule "${metric.abandonmentRate}"; rules are ${ruleNames.join(', ') || '(none)'}`,
      });
    }
    if ('conversion' in metric) {
      const index = stageNames.indexOf(metric.conversion);
      if (index < 0 || index === stageNames.length - 1) {
        ctx.addIssue({
          code: 'custom',
          path: ['alerts', i, 'metric', 'conversion'],
          message: `"${metric.conversion}" is not a stage with a next stage; use one of ${stageNames.slice(0, -1).join(', ')}`,
        });
      }
    }
  });
}

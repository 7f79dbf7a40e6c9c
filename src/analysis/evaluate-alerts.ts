import type { Store } from '../stores/store.js';
import type { JourneyDefinition } from '../journey/definition-schema.js';
import { ALERT_BUCKET_MS } from '../journey/alert-rules.js';
import { createAlertsTableNotifier, readAlertLedger, type LedgerEntry } from '../notifiers/alerts-table.js';
import type { AlertNotice, AlertNotifier } from '../notifiers/notifier.js';
import { compileAlertRule, lastKnownBucketMs, type CompiledAlertRule } from './alert-policy.js';
import { readBucketSeries } from './alert-series.js';
import { toAlertNotice } from './alert-notice.js';
import type { AlertState, ExcludedSpan } from './alert-types.js';
import { walkBuckets } from './alert-walk.js';

const WEEK_MS = 7 * 86_400_000;
const HOUR_MS = 3_600_000;
/** How far back a rule with no recorded change starts evaluating, unless fromMs says otherwise. */
export const DEFAULT_LOOKBACK_MS = 86_400_000;

export interface EvaluateAlertsOptions {
  store: Store;
  /** The pipeline whose `alerts` rules are evaluated (a CompiledPipeline fits). */
  pipeline: { definition: JourneyDefinition };
  /**
   * Event time up to which the store is complete: the stream watermark after
   * the sessions (open ones as provisional rows) up to it were written. A
   * bucket is evaluated once its end + the rule's settle time is ≤ nowMs: an
   * abandonment rate as soon as the bucket ended (journeys without the `to`
   * stage yet count as open, censored), a conversion after the inactivity gap.
   */
  nowMs: number;
  /** Called for every new change after the alerts table recorded it (log, webhook, …). */
  notifiers?: readonly AlertNotifier[];
  /** First bucket for a rule with no recorded change (default nowMs − lookbackMs). */
  fromMs?: number | undefined;
  /** No bucket at or after this is evaluated. */
  toMs?: number | undefined;
  lookbackMs?: number;
  /** Only these rules (default: every rule of the definition). */
  rules?: readonly string[] | undefined;
  /** Wall clock for the table's recorded_at. */
  clock?: () => number;
}

export interface DeliveryFailure {
  notifier: string;
  noticeId: string;
  state: 'fired' | 'resolved';
  error: Error;
}

export interface EvaluateAlertsResult {
  /** The new changes, recorded and handed to the notifiers, per rule in time order. */
  notices: AlertNotice[];
  /** Notifiers that failed (after their own retries); the change stays recorded and is not retried. */
  deliveryFailures: DeliveryFailure[];
  /** Per rule, the newest bucket (ISO) whose outcomes are known at nowMs: evaluated by now unless before fromMs. */
  lastKnownBucket: Record<string, string>;
}

function stateFromLedger(entries: readonly LedgerEntry[], compiled: CompiledAlertRule): { state: AlertState; resumeMs: number; excluded: ExcludedSpan[] } {
  const excluded: ExcludedSpan[] = [];
  for (const entry of entries) {
    if (entry.state === 'resolved') excluded.push({ fromMs: entry.onsetMs, toMs: entry.evaluatedMs + ALERT_BUCKET_MS });
  }
  const last = entries[entries.length - 1];
  if (!last) return { state: { open: null, cooldownUntilMs: -Infinity }, resumeMs: -Infinity, excluded };
  const resumeMs = last.evaluatedMs + ALERT_BUCKET_MS;
  if (last.state === 'fired') return { state: { open: { onsetMs: last.onsetMs }, cooldownUntilMs: -Infinity }, resumeMs, excluded };
  return { state: { open: null, cooldownUntilMs: resumeMs + compiled.policy.cooldownBuckets * ALERT_BUCKET_MS }, resumeMs, excluded };
}

/**
 * Evaluates a pipeline's alert rules on every 5-minute bucket that became
 * known since the rule's newest recorded change, and records and notifies
 * each state change (fired, resolved) exactly once.
 *
 * Contract for `journeys run`: call it whenever the watermark has moved past
 * one or more bucket ends (e.g. after each flush + rollup refresh), with
 * `nowMs` = that watermark. It is idempotent: the alerts table is the state —
 * each rule resumes after its newest recorded change and a change already
 * recorded is never recorded or notified again — so calling it twice, after a
 * restart, or over replayed input notifies nothing new. The verdicts depend
 * only on the stored data, not on how often it is called. Changes are
 * recorded before the other notifiers run: a crash in between loses that
 * notification rather than sending it twice. Store errors reject (nothing
 * after the failing rule is recorded); notifier errors are returned.
 *
 * With several partitions, pass the smallest of their watermarks (a bucket
 * is complete only when every partition has passed it). Let one process per
 * pipeline evaluate: two evaluating the same new bucket at the same moment
 * could both notify it (the table row itself collapses to one).
 */
export async function evaluateAlerts(options: EvaluateAlertsOptions): Promise<EvaluateAlertsResult> {
  const { store, nowMs } = options;
  const definition = options.pipeline.definition;
  const table = createAlertsTableNotifier(store, { clock: options.clock });
  const ledger = await readAlertLedger(store, definition.name);
  const result: EvaluateAlertsResult = { notices: [], deliveryFailures: [], lastKnownBucket: {} };
  for (const rule of definition.alerts) {
    if (options.rules && !options.rules.includes(rule.name)) continue;
    const compiled = compileAlertRule(rule, definition);
    const entries = ledger.filter((entry) => entry.rule === rule.name);
    const { state, resumeMs, excluded } = stateFromLedger(entries, compiled);
    let lastMs = lastKnownBucketMs(nowMs, compiled.source.settleMs);
    if (options.toMs !== undefined) lastMs = Math.min(lastMs, Math.floor((options.toMs - 1) / ALERT_BUCKET_MS) * ALERT_BUCKET_MS);
    const requestedFromMs = options.fromMs ?? nowMs - (options.lookbackMs ?? DEFAULT_LOOKBACK_MS);
    const fromMs = Math.max(resumeMs, Math.ceil(requestedFromMs / ALERT_BUCKET_MS) * ALERT_BUCKET_MS);
    result.lastKnownBucket[rule.name] = new Date(lastMs).toISOString();
    if (fromMs > lastMs) continue;
    const { policy } = compiled;
    const historyMs = Math.max(policy.trailingBuckets * ALERT_BUCKET_MS, policy.seasonalWeeks * WEEK_MS + 2 * HOUR_MS) + policy.windowBuckets * ALERT_BUCKET_MS;
    const slackMs = compiled.source.level === 'person' ? definition.funnel.journeyWindow : 86_400_000;
    const series = await readBucketSeries(store, {
      pipeline: definition.name,
      source: compiled.source,
      fromMs: fromMs - historyMs,
      toMs: lastMs + ALERT_BUCKET_MS,
      slackMs,
      earlyBuckets: policy.earlyBuckets,
    });
    // Nothing before the first bucket with data can fire: start there (fromMs may be 0, "all data").
    let firstDataMs = Infinity;
    for (const bucketMs of series.keys()) firstDataMs = Math.min(firstDataMs, bucketMs);
    if (firstDataMs === Infinity) continue;
    const { changes } = walkBuckets({ series, policy, state, fromMs: Math.max(fromMs, firstDataMs), toMs: lastMs, excluded });
    for (const change of changes) {
      if (entries.some((e) => e.onsetMs === change.onsetMs && e.state === change.state)) continue;
      const notice = toAlertNotice({ pipeline: definition.name, compiled, change });
      await table.notify(notice);
      result.notices.push(notice);
      for (const notifier of options.notifiers ?? []) {
        try {
          await notifier.notify(notice);
        } catch (error) {
          result.deliveryFailures.push({ notifier: notifier.name, noticeId: notice.id, state: notice.state, error: error as Error });
        }
      }
    }
  }
  return result;
}

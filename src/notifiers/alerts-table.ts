import type { Store } from '../stores/store.js';
import { readSql } from '../stores/sql-files.js';
import type { AlertNotice, AlertNotifier } from './notifier.js';

/** One recorded state change, as the evaluator needs it to resume. */
export interface LedgerEntry {
  rule: string;
  state: 'fired' | 'resolved';
  onsetMs: number;
  evaluatedMs: number;
}

/** A recorded state change as `journeys alerts list` shows it. */
export interface RecordedAlert {
  rule: string;
  state: 'fired' | 'resolved';
  bucket_start: string;
  evaluated_bucket: string;
  known_at: string;
  metric: string;
  value: number;
  baseline: number;
  baseline_kind: string;
  baseline_sessions: number;
  sessions: number;
  z_score: number;
  message: string;
}

const COLUMNS = [
  'pipeline', 'rule', 'bucket_start', 'state', 'evaluated_bucket', 'known_at', 'metric', 'value', 'baseline',
  'baseline_kind', 'baseline_sessions', 'sessions', 'run_start', 'z_score', 'message', 'recorded_at',
] as const;

const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/** Every recorded change of a pipeline's alerts, oldest decision first. */
export async function readAlertLedger(store: Store, pipeline: string): Promise<LedgerEntry[]> {
  const rows = await store.query<{ rule: string; state: string; onset_ms: number | string; evaluated_ms: number | string }>(
    readSql('analysis/alerts_ledger.sql'),
    { pipeline },
  );
  return rows.map((row) => ({
    rule: row.rule,
    state: row.state === 'resolved' ? 'resolved' : 'fired',
    onsetMs: Number(row.onset_ms),
    evaluatedMs: Number(row.evaluated_ms),
  }));
}

/**
 * The alerts table as a notifier: records the change with its figures. The
 * evaluator runs it before every other notifier, since the table is also the
 * state that keeps a change from being notified twice. `recordedAtMs` is the
 * caller's clock (the table's version column).
 */
export function createAlertsTableNotifier(store: Store, options: { clock?: () => number } = {}): AlertNotifier {
  const clock = options.clock ?? Date.now;
  return {
    name: 'alerts-table',
    async notify(notice: AlertNotice): Promise<void> {
      const row = [
        notice.pipeline, notice.rule, seconds(notice.bucketStart), notice.state, seconds(notice.evaluatedBucket), Date.parse(notice.knownAt),
        notice.metric, notice.value, notice.baseline, notice.baselineKind, notice.baselineSessions, notice.sessions,
        seconds(notice.runStart), notice.zScore, notice.message, clock(),
      ];
      await store.insertCompactRows('alerts', COLUMNS, `${JSON.stringify(row)}\n`);
    },
  };
}

/** Recorded changes, newest anomaly first; `fromMs`/`toMs` select by bucket_start. */
export async function listAlerts(
  store: Store,
  options: { pipeline: string; rule?: string | undefined; fromMs?: number | undefined; toMs?: number | undefined; limit?: number },
): Promise<RecordedAlert[]> {
  type Row = Omit<RecordedAlert, 'bucket_start' | 'evaluated_bucket' | 'known_at'> & {
    bucket_start_ms: number | string;
    evaluated_bucket_ms: number | string;
    known_at_ms: number | string;
  };
  const rows = await store.query<Row>(readSql('analysis/alerts_list.sql'), {
    pipeline: options.pipeline,
    rule: options.rule ?? '',
    from_ms: Math.max(0, Math.round(options.fromMs ?? 0)),
    to_ms: Math.round(options.toMs ?? Date.UTC(2200, 0, 1)),
    limit: options.limit ?? 1000,
  });
  const iso = (ms: number | string) => new Date(Number(ms)).toISOString();
  return rows.map(({ bucket_start_ms, evaluated_bucket_ms, known_at_ms, ...row }) => ({
    ...row,
    state: row.state === 'resolved' ? 'resolved' : 'fired',
    bucket_start: iso(bucket_start_ms),
    evaluated_bucket: iso(evaluated_bucket_ms),
    known_at: iso(known_at_ms),
    value: Number(row.value),
    baseline: Number(row.baseline),
    baseline_sessions: Number(row.baseline_sessions),
    sessions: Number(row.sessions),
    z_score: Number(row.z_score),
  }));
}

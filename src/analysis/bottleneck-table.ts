import type { Store } from '../stores/store.js';
import type { BottleneckReport } from './bottleneck-report.js';

const COLUMNS = [
  'pipeline', 'level', 'mode', 'computed_at', 'period_from', 'period_to', 'baseline_from', 'baseline_to', 'from_stage', 'to_stage',
  'stage_index', 'rank', 'entered', 'skipped', 'advanced', 'conversion', 'baseline_entered', 'baseline_skipped', 'baseline_advanced',
  'baseline_conversion', 'lost', 'lost_vs_baseline', 'relative_change', 'p_value', 'significant', 'share_of_dropoff',
  'drivers', 'sentence',
] as const;

const seconds = (ms: number) => Math.floor(ms / 1000);

/**
 * Persists a report to the bottlenecks table, one row per transition. The
 * same periods, level and mode analysed again replace these rows (the newest computed_at wins).
 */
export async function writeBottlenecks(store: Store, report: BottleneckReport, options: { computedAtMs: number }): Promise<void> {
  const lines = report.bottlenecks.map((b) =>
    JSON.stringify([
      report.pipeline, report.level, report.mode, options.computedAtMs, seconds(report.period.fromMs), seconds(report.period.toMs),
      seconds(report.baseline?.fromMs ?? 0), seconds(report.baseline?.toMs ?? 0), b.from_stage, b.to_stage, b.stage_index,
      b.rank, b.entered, b.skipped, b.advanced, b.conversion, b.baseline_entered, b.baseline_skipped, b.baseline_advanced, b.baseline_conversion, b.lost,
      b.lost_vs_baseline, b.relative_change, b.p_value, b.significant ? 1 : 0, b.share_of_dropoff, JSON.stringify(b.drivers),
      b.sentence,
    ]),
  );
  if (lines.length > 0) await store.insertCompactRows('bottlenecks', COLUMNS, `${lines.join('\n')}\n`);
}

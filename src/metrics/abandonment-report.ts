import type { Store } from '../stores/store.js';
import { readSql } from '../stores/sql-files.js';
import { rangeParams, type TimeRange } from './time-range.js';

export interface AbandonmentBucket {
  bucket_start: string;
  started: number;
  abandoned: number;
  pending: number;
  rate: number | null;
}

export interface AbandonmentRuleReport {
  rule: string;
  from: string;
  to: string;
  within_ms: number;
  started: number;
  abandoned: number;
  pending: number;
  rate: number | null;
  worst_bucket: AbandonmentBucket | null;
  buckets: AbandonmentBucket[];
}

const rate = (abandoned: number, started: number) => (started === 0 ? null : Math.round((abandoned / started) * 1e6) / 1e6);

/**
 * Abandonment per rule from the abandonment_5m rollup: rate = abandoned /
 * started over sessions whose outcome is known; pending ones are shown apart.
 * The worst bucket is the highest rate among buckets with at least
 * `minBucketSessions` known outcomes (tiny buckets are noise).
 */
export async function abandonmentReport(
  store: Store,
  options: {
    pipeline: string;
    rules: ReadonlyArray<{ name: string; from: string; to: string; within: number }>;
    rule?: string | undefined;
    range: TimeRange;
    minBucketSessions?: number;
  },
): Promise<AbandonmentRuleReport[]> {
  const rows = await store.query<{ rule: string; bucket: string; started: string | number; abandoned: string | number; pending: string | number }>(
    readSql('metrics/abandonment_summary.sql'),
    { pipeline: options.pipeline, rule: options.rule ?? '', ...rangeParams(options.range) },
  );
  const minimum = options.minBucketSessions ?? 10;
  return options.rules
    .filter((rule) => !options.rule || rule.name === options.rule)
    .map((rule) => {
      const buckets = rows
        .filter((row) => row.rule === rule.name)
        .map((row) => {
          const started = Number(row.started);
          const abandoned = Number(row.abandoned);
          return { bucket_start: `${row.bucket.replace(' ', 'T')}Z`, started, abandoned, pending: Number(row.pending), rate: rate(abandoned, started) };
        });
      const started = buckets.reduce((sum, b) => sum + b.started, 0);
      const abandoned = buckets.reduce((sum, b) => sum + b.abandoned, 0);
      const eligible = buckets.filter((b) => b.started >= minimum);
      const worst = eligible.reduce<AbandonmentBucket | null>((best, b) => (best === null || (b.rate ?? 0) > (best.rate ?? 0) ? b : best), null);
      return {
        rule: rule.name,
        from: rule.from,
        to: rule.to,
        within_ms: rule.within,
        started,
        abandoned,
        pending: buckets.reduce((sum, b) => sum + b.pending, 0),
        rate: rate(abandoned, started),
        worst_bucket: worst,
        buckets,
      };
    });
}

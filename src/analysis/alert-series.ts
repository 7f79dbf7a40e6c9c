import type { Store } from '../stores/store.js';
import { readSql } from '../stores/sql-files.js';
import type { AlertSource } from './alert-policy.js';
import type { BucketCounts } from './alert-types.js';

interface SeriesRow {
  bucket_ms: number | string;
  sessions: number | string;
  bad: number | string;
}

/**
 * Reads an alert source's 5-minute buckets in [fromMs, toMs): abandonment
 * rates from the abandonment_5m rollup (so the rollups must be refreshed for
 * these days first), stage conversions from `sessions FINAL` (closed sessions only).
 */
export async function readBucketSeries(
  store: Store,
  options: { pipeline: string; source: AlertSource; fromMs: number; toMs: number },
): Promise<Map<number, BucketCounts>> {
  const range = { pipeline: options.pipeline, from_ms: Math.max(0, Math.round(options.fromMs)), to_ms: Math.round(options.toMs) };
  const rows =
    options.source.kind === 'abandonment_rate'
      ? await store.query<SeriesRow>(readSql('analysis/abandonment_series.sql'), { ...range, rule: options.source.abandonmentRule })
      : await store.query<SeriesRow>(readSql('analysis/conversion_series.sql'), { ...range, stage_index: options.source.stageIndex });
  return new Map(rows.map((row) => [Number(row.bucket_ms), { sessions: Number(row.sessions), bad: Number(row.bad) }]));
}

/** The newest watermark among the pipeline's streams, or undefined before anything was ingested. */
export async function readPipelineWatermarkMs(store: Store, pipeline: string): Promise<number | undefined> {
  const [row] = await store.query<{ watermark_ms: number | string | null; streams: number | string }>(readSql('analysis/pipeline_watermark.sql'), { pipeline });
  return row && Number(row.streams) > 0 && row.watermark_ms !== null ? Number(row.watermark_ms) : undefined;
}

import type { Store } from '../stores/store.js';
import { readSql } from '../stores/sql-files.js';
import type { AlertSource } from './alert-policy.js';
import { ALERT_BUCKET_MS } from '../journey/alert-rules.js';
import { levelTable } from './stage-breakdown.js';
import type { BucketCounts } from './alert-types.js';

interface SeriesRow {
  bucket_ms: number | string;
  sessions: number | string;
  bad: number | string;
}

interface LagRow {
  bucket_ms: number | string;
  lag: number | string;
  sessions: number | string;
}

/**
 * Per bucket from (bucket, lag, count) rows: sessions = all that started;
 * open[j] = those not completed before bucket start + (j + 1) × 5 min, for
 * the `earlyBuckets` ages read early; bad = never completed (lag 0).
 */
export function countsFromLags(rows: ReadonlyArray<{ bucketMs: number; lag: number; sessions: number }>, earlyBuckets: number): Map<number, BucketCounts> {
  const byBucket = new Map<number, number[]>();
  for (const row of rows) {
    let lags = byBucket.get(row.bucketMs);
    if (!lags) byBucket.set(row.bucketMs, (lags = []));
    lags[row.lag] = (lags[row.lag] ?? 0) + row.sessions;
  }
  const series = new Map<number, BucketCounts>();
  for (const [bucketMs, lags] of byBucket) {
    let sessions = 0;
    for (const n of lags) sessions += n ?? 0;
    const open: number[] = [];
    let completed = 0;
    for (let j = 0; j < earlyBuckets; j++) {
      completed += lags[j + 1] ?? 0;
      open.push(sessions - completed);
    }
    series.set(bucketMs, { sessions, bad: lags[0] ?? 0, open });
  }
  return series;
}

/**
 * Reads an alert source's 5-minute buckets in [fromMs, toMs) from `sessions
 * FINAL` (level session) or `journeys FINAL` (level person) in the source's
 * mode, excluded journeys left out: an abandonment rule's started journeys
 * with the time each completed (so that, at any moment, how many were still
 * open is known from stored times alone), or a stage's conversion (closed
 * journeys only, those with an event of the stage). Open sessions must be
 * written (provisional rows) up to the watermark evaluated at.
 */
export async function readBucketSeries(
  store: Store,
  options: { pipeline: string; source: AlertSource; fromMs: number; toMs: number; slackMs?: number; earlyBuckets?: number },
): Promise<Map<number, BucketCounts>> {
  const { source } = options;
  const params = {
    pipeline: options.pipeline,
    table: levelTable(source.level),
    mode: source.mode,
    from_ms: Math.max(0, Math.round(options.fromMs)),
    to_ms: Math.round(options.toMs),
    slack_ms: Math.round(options.slackMs ?? 86_400_000),
  };
  if (source.kind === 'abandonment_rate') {
    const rows = await store.query<LagRow>(readSql('analysis/abandonment_series.sql'), { ...params, rule: source.abandonmentRule, to_index: source.toIndex });
    const earlyBuckets = options.earlyBuckets ?? Math.ceil(source.finalMs / ALERT_BUCKET_MS);
    return countsFromLags(
      rows.map((row) => ({ bucketMs: Number(row.bucket_ms), lag: Number(row.lag), sessions: Number(row.sessions) })),
      earlyBuckets,
    );
  }
  const rows = await store.query<SeriesRow>(readSql('analysis/conversion_series.sql'), { ...params, stage_index: source.stageIndex });
  return new Map(rows.map((row) => [Number(row.bucket_ms), { sessions: Number(row.sessions), bad: Number(row.bad) }]));
}

/** The newest watermark among the pipeline's streams, or undefined before anything was ingested. */
export async function readPipelineWatermarkMs(store: Store, pipeline: string): Promise<number | undefined> {
  const [row] = await store.query<{ watermark_ms: number | string | null; streams: number | string }>(readSql('analysis/pipeline_watermark.sql'), { pipeline });
  return row && Number(row.streams) > 0 && row.watermark_ms !== null ? Number(row.watermark_ms) : undefined;
}

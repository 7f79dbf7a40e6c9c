import type { Store } from '../stores/store.js';
import { readSql } from '../stores/sql-files.js';
import type { FunnelLevel, FunnelMode } from '../journey/definition-schema.js';
import { rangeParams, segmentParams, type TimeRange } from './time-range.js';

/**
 * The worst 5-minute bucket is picked among buckets with at least this many
 * journeys whose outcome is known (started − pending), by the lower bound of
 * its rate (below): a bucket of two journeys with one abandoned is noise,
 * not a 50 % spike. One number for every report (the CLI, the demo).
 */
export const WORST_BUCKET_MIN_SESSIONS = 5;

/**
 * Lower end of the 95 % Wilson score interval of abandoned / known: ranks
 * buckets by how surely their rate is high, so 27 of 30 (lower bound 74 %)
 * outranks 5 of 5 (57 %), which a shop with ~3 checkouts per 5 minutes
 * sees by chance every few days.
 */
export function rateLowerBound(abandoned: number, known: number): number {
  if (known === 0) return 0;
  const z = 1.959964;
  const p = abandoned / known;
  const centre = p + (z * z) / (2 * known);
  const spread = z * Math.sqrt((p * (1 - p)) / known + (z * z) / (4 * known * known));
  return (centre - spread) / (1 + (z * z) / known);
}

export interface AbandonmentBucket {
  bucket_start: string;
  /** Journeys that entered `from` in this bucket, pending included. */
  started: number;
  /** Of those, outcome not known yet. */
  pending: number;
  /** started − pending. */
  known: number;
  abandoned: number;
  /** abandoned / known; null when nothing is known. */
  rate: number | null;
}

export interface AbandonmentRuleReport {
  rule: string;
  from: string;
  to: string;
  within_ms: number;
  /** Journeys that entered `from` (= the funnel's entered of `from`, same level and mode), pending included. */
  started: number;
  pending: number;
  known: number;
  abandoned: number;
  /** abandoned / known (pending journeys are not counted either way); null when nothing is known. */
  rate: number | null;
  worst_bucket: AbandonmentBucket | null;
  buckets: AbandonmentBucket[];
}

const rate = (abandoned: number, known: number) => (known === 0 ? null : Math.round((abandoned / known) * 1e6) / 1e6);

/**
 * Abandonment per rule from the abandonment_5m rollup, in one level and mode
 * (docs/semantics.md, "Abandonment"): started = every journey that entered
 * `from`; rate = abandoned / (started − pending). The worst bucket is the
 * one whose rate is most surely high (highest rateLowerBound) among buckets
 * with at least WORST_BUCKET_MIN_SESSIONS known outcomes (the earliest of
 * equals).
 */
export interface AbandonmentOptions {
  pipeline: string;
  rules: ReadonlyArray<{ name: string; from: string; to: string; within: number }>;
  level: FunnelLevel;
  mode: FunnelMode;
  rule?: string | undefined;
  range: TimeRange;
  /** Only the journeys of this segment. */
  segment?: string | undefined;
}

interface BucketRow {
  rule: string;
  bucket: string;
  started: string | number;
  abandoned: string | number;
  pending: string | number;
}

export async function abandonmentReport(store: Store, options: AbandonmentOptions): Promise<AbandonmentRuleReport[]> {
  const rows = await store.query<BucketRow>(readSql('metrics/abandonment_summary.sql'), queryParams(options));
  return rulesOf(options, rows);
}

/** A rule's totals: what the report says of it but its buckets. */
export type AbandonmentRuleTotals = Omit<AbandonmentRuleReport, 'buckets' | 'worst_bucket'>;

/** The rule totals (no buckets) of the journeys in the options (the journey map): the sums abandonmentReport makes of its buckets. */
export async function abandonmentTotals(store: Store, options: AbandonmentOptions): Promise<AbandonmentRuleTotals[]> {
  return (await readTotals(store, options, false, [''])).get('')!;
}

/** The rule totals of each of `segments` in one read (the journey map's personas); zeros for a value without rows. */
export function abandonmentTotalsBySegment(
  store: Store,
  options: Omit<AbandonmentOptions, 'segment'>,
  segments: readonly string[],
): Promise<Map<string, AbandonmentRuleTotals[]>> {
  return readTotals(store, options, true, segments);
}

async function readTotals(store: Store, options: AbandonmentOptions, bySegment: boolean, segments: readonly string[]): Promise<Map<string, AbandonmentRuleTotals[]>> {
  const rows = await store.query<Omit<BucketRow, 'bucket'> & { segment_of: string }>(readSql('metrics/abandonment_totals.sql'), {
    ...queryParams(options),
    by_segment: bySegment ? 1 : 0,
  });
  return new Map(
    segments.map((segment) => [
      segment,
      selectedRules(options).map((rule) => {
        const row = rows.find((r) => r.segment_of === segment && r.rule === rule.name);
        return totalsOf(rule, Number(row?.started ?? 0), Number(row?.pending ?? 0), Number(row?.abandoned ?? 0));
      }),
    ]),
  );
}

function selectedRules(options: AbandonmentOptions): AbandonmentOptions['rules'] {
  return options.rules.filter((rule) => !options.rule || rule.name === options.rule);
}

function totalsOf(rule: AbandonmentOptions['rules'][number], started: number, pending: number, abandoned: number): AbandonmentRuleTotals {
  return { rule: rule.name, from: rule.from, to: rule.to, within_ms: rule.within, started, pending, known: started - pending, abandoned, rate: rate(abandoned, started - pending) };
}

function queryParams(options: AbandonmentOptions): Record<string, string | number> {
  return { pipeline: options.pipeline, level: options.level, mode: options.mode, rule: options.rule ?? '', ...rangeParams(options.range), ...segmentParams(options.segment) };
}

function rulesOf(options: AbandonmentOptions, rows: readonly BucketRow[]): AbandonmentRuleReport[] {
  return selectedRules(options).map((rule): AbandonmentRuleReport => {
      const buckets = rows
        .filter((row) => row.rule === rule.name)
        .map((row): AbandonmentBucket => {
          const started = Number(row.started);
          const pending = Number(row.pending);
          const abandoned = Number(row.abandoned);
          const known = started - pending;
          return { bucket_start: `${row.bucket.replace(' ', 'T')}Z`, started, pending, known, abandoned, rate: rate(abandoned, known) };
        });
      const started = buckets.reduce((sum, b) => sum + b.started, 0);
      const pending = buckets.reduce((sum, b) => sum + b.pending, 0);
      const abandoned = buckets.reduce((sum, b) => sum + b.abandoned, 0);
      const eligible = buckets.filter((b) => b.known >= WORST_BUCKET_MIN_SESSIONS);
      const surely = (b: AbandonmentBucket) => rateLowerBound(b.abandoned, b.known);
      const worst = eligible.reduce<AbandonmentBucket | null>((best, b) => (best === null || surely(b) > surely(best) ? b : best), null);
      return { ...totalsOf(rule, started, pending, abandoned), worst_bucket: worst, buckets };
    });
}

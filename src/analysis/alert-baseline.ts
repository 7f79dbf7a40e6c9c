import { ALERT_BUCKET_MS } from '../journey/alert-rules.js';
import type { AlertPolicy, Baseline, BaselineKind, BucketCounts, BucketSeries, ExcludedSpan } from './alert-types.js';

const HOUR_MS = 3_600_000;
const WEEK_MS = 7 * 24 * HOUR_MS;

/** Buckets of the same hour of the week (± this many hours) in each earlier week form the seasonal baseline. */
const SEASONAL_HALF_SPAN_HOURS = 1;

/** Seasonal history counts as enough once this many earlier weeks (or all configured, if fewer) have sessions. */
const SEASONAL_MIN_WEEKS = 2;

function isExcluded(bucketMs: number, excluded: readonly ExcludedSpan[]): boolean {
  return excluded.some((span) => bucketMs >= span.fromMs && bucketMs < span.toMs);
}

/**
 * Sessions and bad outcomes of [fromMs, toMs) per 5-minute bucket, excluded
 * buckets skipped. The dispersion is measured across these buckets (not
 * hours): it is the variation the tested runs see, and a few hours give too
 * few degrees of freedom (6 hours: a dispersion of 2.7 by chance alone,
 * which then called a running spike "normal").
 */
function bucketCounts(series: BucketSeries, fromMs: number, toMs: number, excluded: readonly ExcludedSpan[]): BucketCounts[] {
  const hours = new Map<number, BucketCounts>();
  for (let b = fromMs; b < toMs; b += ALERT_BUCKET_MS) {
    const counts = series.get(b);
    if (!counts || counts.sessions === 0 || isExcluded(b, excluded)) continue;
    const sum = hours.get(b);
    if (sum) {
      sum.sessions += counts.sessions;
      sum.bad += counts.bad;
      if (sum.open && counts.open) sum.open = sum.open.map((n, j) => n + (counts.open![j] ?? 0));
    } else hours.set(b, { sessions: counts.sessions, bad: counts.bad, ...(counts.open ? { open: [...counts.open] } : {}) });
  }
  return [...hours.values()];
}

/**
 * Pools bucket counts into a baseline. Its dispersion is the Pearson χ² of
 * the buckets around the pooled rate over its degrees of freedom (1 when the
 * buckets vary no more than binomial chance, or there are too few to tell):
 * real traffic varies more than a coin, and a z-score that ignored it would
 * fire on every busy hour of a big shop.
 */
function pool(kind: BaselineKind, hours: readonly BucketCounts[]): Baseline {
  const sessions = hours.reduce((sum, h) => sum + h.sessions, 0);
  const bad = hours.reduce((sum, h) => sum + h.bad, 0);
  const rate = sessions === 0 ? 0 : bad / sessions;
  let chiSquare = 0;
  if (rate > 0 && rate < 1) {
    for (const h of hours) chiSquare += (h.bad - h.sessions * rate) ** 2 / (h.sessions * rate * (1 - rate));
  }
  const dispersion = hours.length > 1 ? Math.max(1, chiSquare / (hours.length - 1)) : 1;
  const early = hours.find((h) => h.open)?.open?.length ?? 0;
  if (early === 0 || sessions === 0) return { kind, sessions, bad, dispersion };
  const openRates = Array.from({ length: early }, (_, j) => hours.reduce((sum, h) => sum + (h.open?.[j] ?? h.bad), 0) / sessions);
  return { kind, sessions, bad, dispersion, openRates };
}

/**
 * The baseline an evaluated bucket is compared with. Hour-of-week first: the
 * same UTC hour (± 1 h) in up to `seasonalWeeks` earlier weeks, used when at
 * least two of those weeks have sessions and together they reach
 * `baselineMinSessions` — shops convert differently at 3 am on a Sunday than
 * at 8 pm on a Friday. Otherwise the trailing window that ends where the
 * tested runs begin (`windowStartMs`), so the anomaly never dilutes its own
 * baseline. Excluded spans (earlier incidents, the open one) are skipped in
 * both. Null when neither reaches the minimum: no verdict is possible.
 */
export function baselineFor(options: {
  series: BucketSeries;
  evaluatedBucketMs: number;
  windowStartMs: number;
  policy: AlertPolicy;
  excluded: readonly ExcludedSpan[];
}): Baseline | null {
  const { series, policy, excluded } = options;
  if (policy.seasonalWeeks > 0) {
    const hourStart = Math.floor(options.evaluatedBucketMs / HOUR_MS) * HOUR_MS;
    const hours: BucketCounts[] = [];
    let weeksWithData = 0;
    for (let week = 1; week <= policy.seasonalWeeks; week++) {
      const fromMs = hourStart - week * WEEK_MS - SEASONAL_HALF_SPAN_HOURS * HOUR_MS;
      const weekHours = bucketCounts(series, fromMs, fromMs + (2 * SEASONAL_HALF_SPAN_HOURS + 1) * HOUR_MS, excluded);
      if (weekHours.length > 0) weeksWithData++;
      hours.push(...weekHours);
    }
    const seasonal = pool('seasonal', hours);
    if (weeksWithData >= Math.min(SEASONAL_MIN_WEEKS, policy.seasonalWeeks) && seasonal.sessions >= policy.baselineMinSessions) return seasonal;
  }
  const trailing = pool('trailing', bucketCounts(series, options.windowStartMs - policy.trailingBuckets * ALERT_BUCKET_MS, options.windowStartMs, excluded));
  return trailing.sessions >= policy.baselineMinSessions ? trailing : null;
}

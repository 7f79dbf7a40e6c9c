import { Prng } from '../../src/sources/generator/prng.js';
import type { BucketCounts } from '../../src/analysis/alert-types.js';

const BUCKET_MS = 300_000;
const HOUR_MS = 3_600_000;

/** Shop traffic over the UTC day: a night trough and an evening peak (mean 1). */
const HOURLY = [0.45, 0.3, 0.2, 0.15, 0.15, 0.2, 0.35, 0.6, 0.8, 0.95, 1.0, 1.05, 1.15, 1.1, 1.0, 1.0, 1.05, 1.15, 1.45, 1.7, 1.95, 1.9, 1.5, 1.0];
const HOURLY_MEAN = HOURLY.reduce((a, b) => a + b, 0) / HOURLY.length;

/** A Poisson draw: Knuth's method for small means, a rounded normal for large ones. */
function poisson(rng: Prng, mean: number): number {
  if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal(rng)));
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = rng.float(); p > limit; p *= rng.float()) k++;
  return k;
}

function normal(rng: Prng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.float())) * Math.cos(2 * Math.PI * rng.float());
}

function binomial(rng: Prng, n: number, p: number): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (rng.float() < p) k++;
  return k;
}

/**
 * Synthetic 5-minute buckets of a shop's checkouts: Poisson sessions on a
 * daily curve averaging `sessionsPerBucket`, and a bad-outcome rate that
 * drifts over the day by ±`dailySwing` around `rate`, with extra bucket-to-
 * bucket variation (sd `overdispersion`) as traffic mix changes. `spike`
 * replaces the rate inside [fromMs, toMs).
 *
 * Early readings (`open`, for the first `earlyBuckets` ages): each checkout
 * lies uniformly in its bucket and a completing one orders after a Gamma(4,
 * 63 s) delay — 4 think times, as the generator's checkout: median ~3.9 min,
 * p90 ~8 min — so open[j] = abandoned + those whose order comes after bucket
 * start + (j + 1) × 5 min.
 */
export function syntheticSeries(options: {
  seed: number;
  startMs: number;
  days: number;
  sessionsPerBucket: number;
  rate: number;
  dailySwing?: number;
  overdispersion?: number;
  spike?: { fromMs: number; toMs: number; rate: number };
  earlyBuckets?: number;
}): Map<number, BucketCounts> {
  const early = options.earlyBuckets ?? 3;
  const rng = new Prng(options.seed);
  const series = new Map<number, BucketCounts>();
  const buckets = Math.round((options.days * 24 * HOUR_MS) / BUCKET_MS);
  for (let i = 0; i < buckets; i++) {
    const bucketMs = options.startMs + i * BUCKET_MS;
    const hour = new Date(bucketMs).getUTCHours();
    const mean = (options.sessionsPerBucket * HOURLY[hour]!) / HOURLY_MEAN;
    const sessions = poisson(rng, mean);
    let rate = options.rate + (options.dailySwing ?? 0) * Math.sin((2 * Math.PI * hour) / 24) + (options.overdispersion ?? 0) * normal(rng);
    if (options.spike && bucketMs >= options.spike.fromMs && bucketMs < options.spike.toMs) rate = options.spike.rate;
    rate = Math.min(1, Math.max(0, rate));
    if (sessions === 0) continue;
    const bad = binomial(rng, sessions, rate);
    const open = Array.from({ length: early }, () => bad);
    for (let i = bad; i < sessions; i++) {
      let orderedMs = rng.float() * BUCKET_MS;
      for (let step = 0; step < 4; step++) orderedMs += -63_000 * Math.log(1 - rng.float());
      for (let j = 0; j < early; j++) if (orderedMs >= (j + 1) * BUCKET_MS) open[j]!++;
    }
    series.set(bucketMs, { sessions, bad, open });
  }
  return series;
}

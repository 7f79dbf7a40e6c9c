import { describe, expect, it } from 'vitest';
import { loadDefinition } from '../../src/journey/load-definition.js';
import { compileAlertRule } from '../../src/analysis/alert-policy.js';
import { walkBuckets } from '../../src/analysis/alert-walk.js';
import type { StateChange } from '../../src/analysis/alert-types.js';
import { syntheticSeries } from '../helpers/synthetic-buckets.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MIN5 = 300_000;
const START = Date.UTC(2026, 0, 5);
const CLOSED = { open: null, cooldownUntilMs: -Infinity };
const { definition } = loadDefinition('ecommerce', { pipelinesDir: 'pipelines' });
/**
 * The shipped checkout_abandonment_spike rule, at the minimum sample docs/analysis.md
 * recommends (minSessions 8, the schema default; pipelines/ecommerce.yaml said 20).
 */
const compiled = compileAlertRule(definition.alerts.find((a) => a.name === 'checkout_abandonment_spike')!, definition);
const policy = { ...compiled.policy, minSessions: 8 };

// A realistic quiet shop: 44 % of checkouts abandoned within 15 minutes, ±4 points over
// the day, and ±3 points (sd) of extra bucket-to-bucket variation as the traffic mix changes;
// completed checkouts order after ~4 minutes (median), so young buckets are read early.
const QUIET = { rate: 0.44, dailySwing: 0.04, overdispersion: 0.03 };

/** A spike of `minutes` at `rate` planted at 17:xx on day 15 (two weeks of hour-of-week history), per seed. */
function plantedSpike(options: { seed: number; sessionsPerBucket: number; baseRate: number; rate: number; minutes: number }) {
  const onsetMs = START + 15 * DAY + 17 * HOUR + (options.seed % 6) * MIN5;
  const endMs = onsetMs + options.minutes * 60_000;
  const series = syntheticSeries({
    seed: 500 + options.seed,
    startMs: START,
    days: 17,
    sessionsPerBucket: options.sessionsPerBucket,
    ...QUIET,
    rate: options.baseRate,
    spike: { fromMs: onsetMs, toMs: endMs, rate: options.rate },
  });
  const { changes } = walkBuckets({ series, policy, state: CLOSED, fromMs: onsetMs - DAY, toMs: endMs + 3 * HOUR, excluded: [] });
  return { onsetMs, endMs, changes };
}

/** When a change was known: the evaluated bucket's end (abandonment is judged as a bucket ends). */
const knownAt = (change: StateChange) => change.evaluatedBucketMs + MIN5 + compiled.source.settleMs;

describe('the shipped spike rule on simulated quiet days', () => {
  it('fires no alert over 30 quiet days at any volume (4 shops × 6 volumes = 720 shop-days)', () => {
    let fires = 0;
    let evaluations = 0;
    for (const sessionsPerBucket of [0.5, 1, 3, 6, 12, 30]) {
      for (let seed = 1; seed <= 4; seed++) {
        // 5 days of warm-up history, then 30 evaluated days (hour-of-week baseline from week 2 on)
        const series = syntheticSeries({ seed: seed * 1000 + sessionsPerBucket * 10, startMs: START, days: 35, sessionsPerBucket, ...QUIET });
        const { changes } = walkBuckets({ series, policy, state: CLOSED, fromMs: START + 5 * DAY, toMs: START + 35 * DAY - MIN5, excluded: [] });
        fires += changes.filter((c) => c.state === 'fired').length;
        evaluations += (30 * DAY) / MIN5;
      }
    }
    console.log(`quiet days: ${fires} alerts in ${evaluations} bucket evaluations (720 shop-days): false-positive rate ${fires / evaluations} per bucket`);
    expect(fires).toBe(0);
  }, 120_000);

  it('low-volume noise never fires, however wild the rate', () => {
    for (let seed = 1; seed <= 4; seed++) {
      // under one checkout per 5 minutes, the rate jumping anywhere between 0 and 1
      const series = syntheticSeries({ seed, startMs: START, days: 30, sessionsPerBucket: 0.4, rate: 0.5, overdispersion: 0.3 });
      const { changes } = walkBuckets({ series, policy, state: CLOSED, fromMs: START + DAY, toMs: START + 30 * DAY - MIN5, excluded: [] });
      expect(changes).toEqual([]);
    }
  });

  // A busy shop (20 checkouts per 5 minutes, 88 % abandoned for 4 h): known within the short
  // rule's window plus two buckets of the onset (measured over 20 seeds: 10–25 minutes).
  it('a spike at 20 checkouts per 5 minutes is known within 15 min + 2 buckets of its onset, named by its onset, and resolves after it', () => {
    const delays: number[] = [];
    for (let seed = 1; seed <= 6; seed++) {
      const { onsetMs, endMs, changes } = plantedSpike({ seed, sessionsPerBucket: 20, baseRate: 0.44, rate: 0.88, minutes: 240 });
      const [fired, resolved, ...rest] = changes;

      expect(rest).toEqual([]);
      expect(fired).toMatchObject({ state: 'fired', figures: { baseline: { kind: 'seasonal' } } });
      expect(fired!.onsetMs).toBeGreaterThanOrEqual(onsetMs);
      expect(fired!.onsetMs).toBeLessThanOrEqual(onsetMs + MIN5);
      expect(knownAt(fired!) - onsetMs).toBeLessThanOrEqual(15 * 60_000 + 2 * MIN5);
      delays.push((knownAt(fired!) - onsetMs) / 60_000);
      expect(resolved!.state).toBe('resolved');
      expect(resolved!.evaluatedBucketMs).toBeGreaterThanOrEqual(endMs);
      expect(resolved!.evaluatedBucketMs).toBeLessThanOrEqual(endMs + 6 * MIN5);
    }
    console.log(`20 checkouts / 5 min: known ${delays.join(', ')} min after onset`);
  });

  // The demo's volume (~30 checkouts an hour) and a 90 % spike for 2 h: every one fires during
  // the spike, but not within 25 minutes — ~15 checkouts are not enough evidence at zero false
  // alarms (docs/analysis.md, "Measured": 30–115 min over 20 seeds, median 60).
  it('a 2-hour 90 % spike at the demo volume (2.5 checkouts per 5 minutes) fires during the spike, onset near the start', () => {
    const delays: number[] = [];
    for (let seed = 1; seed <= 10; seed++) {
      const { onsetMs, endMs, changes } = plantedSpike({ seed, sessionsPerBucket: 2.5, baseRate: 0.44, rate: 0.9, minutes: 120 });
      const fired = changes.find((c) => c.state === 'fired');
      expect(fired).toBeDefined();
      expect(knownAt(fired!)).toBeLessThanOrEqual(endMs);
      expect(Math.abs(fired!.onsetMs - onsetMs)).toBeLessThanOrEqual(4 * MIN5);
      delays.push((knownAt(fired!) - onsetMs) / 60_000);
    }
    console.log(`2.5 checkouts / 5 min: known ${delays.join(', ')} min after onset`);
  });

  // 3,000 visitors a day (~0.5 checkouts per 5 minutes, 40 % abandoned): a 2-hour 90 % spike
  // holds ~12 checkouts: only a nearly all-abandoned one is evidence enough at zero false alarms.
  // Measured: 3 of these 20 fire (90–120 min after onset); nothing fires before the onset.
  it('at 3,000 visitors a day a 2-hour 90 % spike fires only when it is nearly all abandoned, and nothing fires before it', () => {
    let fired = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const { onsetMs, endMs, changes } = plantedSpike({ seed, sessionsPerBucket: 0.53, baseRate: 0.4, rate: 0.9, minutes: 120 });
      for (const change of changes.filter((c) => c.state === 'fired')) {
        expect(change.onsetMs).toBeGreaterThanOrEqual(onsetMs - 6 * MIN5);
        expect(knownAt(change)).toBeLessThanOrEqual(endMs + 2 * HOUR);
        fired++;
      }
    }
    console.log(`3,000 visitors a day: ${fired} of 20 two-hour 90 % spikes fired`);
    expect(fired).toBeGreaterThanOrEqual(2);
  });
});

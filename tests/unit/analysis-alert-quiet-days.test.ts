import { describe, expect, it } from 'vitest';
import { loadDefinition } from '../../src/journey/load-definition.js';
import { compileAlertRule } from '../../src/analysis/alert-policy.js';
import { walkBuckets } from '../../src/analysis/alert-walk.js';
import { syntheticSeries } from '../helpers/synthetic-buckets.js';

const DAY = 86_400_000;
const MIN5 = 300_000;
const START = Date.UTC(2026, 0, 5);
const CLOSED = { open: null, cooldownUntilMs: -Infinity };
const { definition } = loadDefinition('ecommerce', { pipelinesDir: 'pipelines' });
/** The shipped checkout_abandonment_spike rule. */
const { policy } = compileAlertRule(definition.alerts.find((a) => a.name === 'checkout_abandonment_spike')!, definition);

// A realistic quiet shop: 44 % of checkouts abandoned within 15 minutes, ±4 points over
// the day, and ±3 points (sd) of extra bucket-to-bucket variation as the traffic mix changes.
const QUIET = { rate: 0.44, dailySwing: 0.04, overdispersion: 0.03 };

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
  });

  it('low-volume noise never fires, however wild the rate', () => {
    for (let seed = 1; seed <= 4; seed++) {
      // under one checkout per 5 minutes, the rate jumping anywhere between 0 and 1
      const series = syntheticSeries({ seed, startMs: START, days: 30, sessionsPerBucket: 0.4, rate: 0.5, overdispersion: 0.3 });
      const { changes } = walkBuckets({ series, policy, state: CLOSED, fromMs: START + DAY, toMs: START + 30 * DAY - MIN5, excluded: [] });
      expect(changes).toEqual([]);
    }
  });

  // With two weeks of history the hour-of-week baseline absorbs the daily swing. (Measured with the
  // same series: at 12 checkouts per 5 minutes 1 of 12 spikes took 3 buckets; at 6, up to 6.)
  it.each([20, 30])('a planted spike at %i checkouts per 5 minutes: onset within 2 buckets, fired within 2 buckets of it being known, resolved after', (sessionsPerBucket) => {
    for (let seed = 1; seed <= 6; seed++) {
      const onsetMs = START + 15 * DAY + 17 * 3_600_000 + seed * 2 * MIN5;
      const endMs = onsetMs + 4 * 3_600_000;
      const series = syntheticSeries({ seed: 100 + seed, startMs: START, days: 17, sessionsPerBucket, ...QUIET, spike: { fromMs: onsetMs, toMs: endMs, rate: 0.88 } });
      const { changes } = walkBuckets({ series, policy, state: CLOSED, fromMs: onsetMs - DAY, toMs: endMs + 3 * 3_600_000, excluded: [] });
      const [fired, resolved, ...rest] = changes;
      expect(rest).toEqual([]);
      expect(fired).toMatchObject({ state: 'fired', figures: { baseline: { kind: 'seasonal' } } });
      expect(fired!.onsetMs).toBeGreaterThanOrEqual(onsetMs);
      expect(fired!.onsetMs).toBeLessThanOrEqual(onsetMs + 2 * MIN5);
      // the evaluated bucket's outcomes are known 5 + 15 minutes after it starts, the onset's likewise
      expect(fired!.evaluatedBucketMs - fired!.onsetMs).toBeLessThanOrEqual(2 * MIN5);
      expect(resolved!.state).toBe('resolved');
      expect(resolved!.evaluatedBucketMs).toBeGreaterThanOrEqual(endMs);
      expect(resolved!.evaluatedBucketMs).toBeLessThanOrEqual(endMs + 6 * MIN5);
    }
  });
});

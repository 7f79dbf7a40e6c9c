import { describe, expect, it } from 'vitest';
import { baselineFor } from '../../src/analysis/alert-baseline.js';
import { scanBucket } from '../../src/analysis/alert-scan.js';
import { walkBuckets } from '../../src/analysis/alert-walk.js';
import type { AlertPolicy, BucketCounts } from '../../src/analysis/alert-types.js';
import { countsFromLags } from '../../src/analysis/alert-series.js';
import { alertTiming } from '../../src/analysis/alert-timing.js';
import { normalUpperQuantile } from '../../src/analysis/statistics.js';

const T0 = Date.UTC(2026, 10, 5, 12, 0);
const MIN5 = 300_000;
const WEEK = 7 * 86_400_000;
const at = (bucket: number) => T0 + bucket * MIN5;

const POLICY: AlertPolicy = {
  windowBuckets: 3,
  earlyBuckets: 0,
  minZScore: 3,
  minSessions: 20,
  minAbsoluteChange: 0.1,
  resolveBelowZScore: 2,
  resolveAfterBuckets: 2,
  cooldownBuckets: 2,
  seasonalWeeks: 0,
  trailingBuckets: 12,
  baselineMinSessions: 100,
};

/** Buckets 0–11: 10 sessions, 3 bad (30 %); then the given buckets. */
function series(later: Record<number, [number, number]>): Map<number, BucketCounts> {
  const map = new Map<number, BucketCounts>();
  for (let b = 0; b < 12; b++) map.set(at(b), { sessions: 10, bad: 3 });
  for (const [b, [sessions, bad]] of Object.entries(later)) map.set(at(Number(b)), { sessions, bad });
  return map;
}

const CLOSED = { open: null, cooldownUntilMs: -Infinity };

describe('alert baseline', () => {
  it('uses the trailing window before the tested runs, skipping excluded spans', () => {
    const s = series({});
    // bucket 12, runs from bucket 10: trailing = buckets −2..9 = 10 × 10 sessions
    expect(baselineFor({ series: s, evaluatedBucketMs: at(12), windowStartMs: at(10), policy: POLICY, excluded: [] })).toEqual({ kind: 'trailing', sessions: 100, bad: 30, dispersion: 1 });
    // an earlier incident over buckets 0–4 leaves 50 sessions: below the minimum, no baseline
    expect(baselineFor({ series: s, evaluatedBucketMs: at(12), windowStartMs: at(10), policy: POLICY, excluded: [{ fromMs: at(0), toMs: at(5) }] })).toBeNull();
  });

  it('prefers the same hour of the week once two earlier weeks have enough sessions', () => {
    const s = series({});
    const policy = { ...POLICY, seasonalWeeks: 4, baselineMinSessions: 50 };
    // bucket 12 is 13:00, its span 12:00–15:00. One earlier week with sessions: not enough, trailing it is
    s.set(at(12) - WEEK, { sessions: 40, bad: 20 });
    expect(baselineFor({ series: s, evaluatedBucketMs: at(12), windowStartMs: at(10), policy, excluded: [] })?.kind).toBe('trailing');
    // two weeks back at 11:55 is outside the span; at 12:30 inside
    s.set(at(12) - 2 * WEEK - 65 * 60_000, { sessions: 99, bad: 99 });
    expect(baselineFor({ series: s, evaluatedBucketMs: at(12), windowStartMs: at(10), policy, excluded: [] })?.kind).toBe('trailing');
    s.set(at(12) - 2 * WEEK - 30 * 60_000, { sessions: 20, bad: 10 });
    expect(baselineFor({ series: s, evaluatedBucketMs: at(12), windowStartMs: at(10), policy, excluded: [] })).toEqual({ kind: 'seasonal', sessions: 60, bad: 30, dispersion: 1 });
  });
});

describe('alert scan', () => {
  const baseline = { kind: 'trailing' as const, sessions: 100, bad: 30, dispersion: 1 };

  it('fires on a run with enough sessions, a tail probability and a change beyond the thresholds (hand-computed)', () => {
    // bucket 12: 18 of 20 bad against 30 %. P(X ≥ 18 | 20, 0.3) = 190·0.3¹⁸·0.7² + 20·0.3¹⁹·0.7 + 0.3²⁰;
    // three distinct runs were tested (buckets 12, 11–12, 10–12): Bonferroni × 3
    const tail = 190 * 0.3 ** 18 * 0.7 ** 2 + 20 * 0.3 ** 19 * 0.7 + 0.3 ** 20;
    const verdict = scanBucket({ series: series({ 12: [20, 18] }), bucketMs: at(12), baseline, policy: POLICY, earliestStartMs: -Infinity });
    expect(verdict.firing).toMatchObject({ runStartMs: at(12), sessions: 20, bad: 18, rate: 0.9, baselineRate: 0.3 });
    expect(verdict.firing!.pValue / (3 * tail)).toBeCloseTo(1, 9);
    expect(verdict.firing!.zScore).toBeCloseTo(normalUpperQuantile(3 * tail), 6);
    expect(verdict.firing!.zScore).toBeCloseTo(5.18, 2);
    expect(verdict.recent).toMatchObject({ runStartMs: at(12), normal: false });
  });

  it('reads buckets early: journeys still open at their age against the baseline open at the same age', () => {
    // The evaluated bucket 12 has just ended. Baseline: 30 % abandoned; still open 90 % at 5 min, 40 % at 10 min.
    const early = { ...baseline, openRates: [0.9, 0.4] };
    const policy = { ...POLICY, earlyBuckets: 2, minSessions: 10 };
    const s = new Map<number, BucketCounts>([
      [at(10), { sessions: 10, bad: 9, open: [10, 9] }], // 3 buckets old: final, 9 of 10 abandoned (expected 3)
      [at(11), { sessions: 10, bad: 9, open: [10, 10] }], // 2 buckets old: 10 of 10 still open (expected 4)
      [at(12), { sessions: 10, bad: 9, open: [10, 10] }], // 1 bucket old: 10 of 10 still open (expected 9)
    ]);
    const verdict = scanBucket({ series: s, bucketMs: at(12), baseline: early, policy, earliestStartMs: -Infinity });
    // resolving skips the bucket that has just ended (no time to order yet): bucket 11, 10 of 10 open against 40 %
    expect(verdict.recent).toMatchObject({ runStartMs: at(11), sessions: 10, bad: 10, baselineRate: 0.4 });
    // 29 of 30 bad (still open) against 3 + 4 + 9 = 16 expected
    expect(verdict.firing).toMatchObject({ runStartMs: at(10), sessions: 30, bad: 29 });
    expect(verdict.firing!.baselineRate).toBeCloseTo(16 / 30, 12);
  });

  it('back to normal only when no longer worse by the minimum change, whatever a few checkouts\' z', () => {
    const policy = { ...POLICY, minSessions: 8 };
    const recent = (bad: number) => scanBucket({ series: series({ 12: [8, bad] }), bucketMs: at(12), baseline, policy, earliestStartMs: -Infinity }).recent!;
    // 5 of 8 bad against 30 %: P(X ≥ 5 | 8, 0.3) = 0.0580, z 1.57 < 2, but 32.5 points worse (≥ 10): still abnormal
    expect(recent(5).zScore).toBeCloseTo(1.57, 2);
    expect(recent(5).normal).toBe(false);
    // 3 of 8 (37.5 %): 7.5 points worse, under the minimum change and not significant: normal; 2 of 8 (25 %) too
    expect(recent(3).normal).toBe(true);
    expect(recent(2).normal).toBe(true);
  });

  it('a longer run gathers sessions at low volume and names the onset', () => {
    // 8 of 8 bad in each of buckets 11 and 12: the one-bucket run is too small, the two-bucket run fires from 11
    const verdict = scanBucket({ series: series({ 11: [8, 8], 12: [8, 8] }), bucketMs: at(12), baseline, policy: POLICY, earliestStartMs: -Infinity });
    expect(verdict.firing).toMatchObject({ runStartMs: at(10), sessions: 26 });
    const clean = new Map(series({ 11: [12, 12], 12: [12, 12] }));
    clean.delete(at(10));
    expect(scanBucket({ series: clean, bucketMs: at(12), baseline, policy: POLICY, earliestStartMs: -Infinity }).firing).toMatchObject({ runStartMs: at(11), sessions: 24 });
  });

  it.each([
    { name: 'too few sessions', counts: [19, 19] as [number, number], firing: false, recent: false },
    { name: 'a change below the minimum', counts: [2000, 700] as [number, number], firing: false, recent: true },
    { name: 'normal', counts: [20, 6] as [number, number], firing: false, recent: true },
  ])('does not fire with $name', ({ counts, firing, recent }) => {
    const s = series({ 12: counts });
    s.delete(at(10));
    s.delete(at(11));
    const verdict = scanBucket({ series: s, bucketMs: at(12), baseline, policy: POLICY, earliestStartMs: -Infinity });
    expect(verdict.firing !== undefined).toBe(firing);
    expect(verdict.recent !== undefined).toBe(recent);
  });
});

describe('early counts and timing', () => {
  it('turns completion lags into still-open counts per age', () => {
    // bucket 0: 10 started; 2 completed within its first 5 minutes, 3 in the next 5, 1 in the third; 4 never
    const series = countsFromLags([
      { bucketMs: 0, lag: 1, sessions: 2 },
      { bucketMs: 0, lag: 2, sessions: 3 },
      { bucketMs: 0, lag: 3, sessions: 1 },
      { bucketMs: 0, lag: 0, sessions: 4 },
    ], 3);
    expect(series.get(0)).toEqual({ sessions: 10, bad: 4, open: [8, 5, 4] });
  });

  it('words onset, detection and delay one way', () => {
    expect(alertTiming({ onset: '2026-11-06T17:00:00.000Z', knownAt: '2026-11-06T17:25:00.000Z' })).toEqual({
      onset: '17:00',
      knownAt: '17:25',
      delayMinutes: 25,
      text: 'anomaly began 17:00, known 17:25 UTC, 25 min after onset',
    });
    expect(alertTiming({ onset: Date.UTC(2026, 10, 6, 23, 50), knownAt: Date.UTC(2026, 10, 7, 0, 15), state: 'resolved' }).text).toBe(
      'anomaly began 2026-11-06 23:50, resolved as known 2026-11-07 00:15 UTC, 25 min after onset',
    );
  });
});

describe('alert state machine', () => {
  const incident = series({ 12: [20, 18], 13: [20, 6], 14: [20, 6], 15: [20, 18], 16: [20, 6], 17: [20, 18], 18: [20, 6], 19: [20, 6] });

  // After the first incident (excluded from baselines) 90 sessions of history are left at bucket 17.
  const policy = { ...POLICY, baselineMinSessions: 80 };

  it('fires at the onset, resolves after two normal buckets, respects the cooldown, fires again', () => {
    const { changes, state } = walkBuckets({ series: incident, policy, state: CLOSED, fromMs: at(12), toMs: at(19), excluded: [] });
    expect(changes.map((c) => [c.state, (c.onsetMs - T0) / MIN5, (c.evaluatedBucketMs - T0) / MIN5])).toEqual([
      ['fired', 12, 12],
      ['resolved', 12, 14],
      // bucket 15 is anomalous but inside the cooldown (until bucket 17)
      ['fired', 17, 17],
      ['resolved', 17, 19],
    ]);
    expect(state).toEqual({ open: null, cooldownUntilMs: at(22) });
  });

  it('is deterministic: resuming after a recorded change gives the same changes as one walk', () => {
    const whole = walkBuckets({ series: incident, policy, state: CLOSED, fromMs: at(12), toMs: at(19), excluded: [] });
    const first = walkBuckets({ series: incident, policy, state: CLOSED, fromMs: at(12), toMs: at(14), excluded: [] });
    const resumed = walkBuckets({
      series: incident,
      policy,
      // what the alerts table says after "resolved at 14": cooldown until 15 + 2 buckets; the incident is excluded
      state: { open: null, cooldownUntilMs: at(17) },
      fromMs: at(15),
      toMs: at(19),
      excluded: [{ fromMs: at(12), toMs: at(15) }],
    });
    expect([...first.changes, ...resumed.changes]).toEqual(whole.changes);
  });

  it('buckets without enough sessions neither resolve an alert nor break the streak', () => {
    // one-bucket runs, so that bucket 14 alone has too few sessions
    const thin = series({ 12: [20, 18], 13: [20, 6], 14: [3, 0], 15: [20, 6] });
    const { changes } = walkBuckets({ series: thin, policy: { ...POLICY, windowBuckets: 1 }, state: CLOSED, fromMs: at(12), toMs: at(15), excluded: [] });
    expect(changes.map((c) => [c.state, (c.evaluatedBucketMs - T0) / MIN5])).toEqual([
      ['fired', 12],
      ['resolved', 15],
    ]);
  });
});

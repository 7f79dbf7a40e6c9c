import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { writeTemp } from '../helpers/store.js';
import { at, page, track } from '../helpers/segment.js';
import { journeys, tempStore } from '../helpers/run-cli.js';
import type { FunnelStage } from '../../src/metrics/funnel-report.js';

/**
 * `journeys funnel --json` in every mode on four hand-made sessions, every
 * figure computed by hand from docs/semantics.md ("Stages are milestones",
 * "Modes"). The pipeline below is ecommerce's stages without optional ones
 * (so ordered and strict are windowFunnel's): 1 awareness (page), 2 interest
 * (search), 3 consideration (view), 4 cart, 5 checkout, 6 purchase,
 * 7 retention, 8 advocacy. Minutes after 10:00:
 *   A  page 0, Cart Viewed 3, Checkout Started 6, Order Completed 9        (skips interest, consideration)
 *   B  page 0, search 1, page 2, search 3, Product Viewed 10               (repeated stages)
 *   C  search 0 (sent first), page 0, Checkout Started 2, Product Viewed 3, Order Completed 4
 *                                                                          (same-timestamp pair: page counts first)
 *   D  page 0
 * Progress per mode (level; skipped stages; ms to the next stage where both have events):
 *   reached  A 6; 2,3 skipped; cart→checkout 3m, checkout→purchase 3m
 *            B 3; awareness→interest 1m, interest→consideration 9m (from the first search)
 *            C 6; cart skipped (entered at 2 with checkout); 0, 3m, —, —, 2m
 *            D 1
 *   ordered  A 1 (no interest event); B 3 along the chain restarted at 2: 1m, 7m;
 *            C 3 (checkout at 2 extends nothing, view at 3 extends interest): 0, 3m; D 1
 *   strict   as ordered but C 2: checkout at 2 has no chain to extend and ends the funnel
 *   any      A 4 (0, 3, 6, 9), B 3 (0, 1, 10), C 5 (0, 0, 2, 3, 4), D 1
 */
const PIPELINE = [
  'name: hand_modes',
  'sessions: { inactivityGap: 30m, maxDuration: 24h, allowedLateness: 5m }',
  'stages:',
  '  - { name: awareness, match: [{ type: [page, screen] }] }',
  '  - { name: interest, match: [{ event: [Products Searched] }] }',
  '  - { name: consideration, match: [{ event: [Product Viewed] }] }',
  '  - { name: cart, match: [{ event: [Product Added, Cart Viewed] }] }',
  '  - { name: checkout, match: [{ event: [Checkout Started] }] }',
  '  - { name: purchase, match: [{ event: [Order Completed] }] }',
  '  - { name: retention, match: [{ event: [Account Created] }] }',
  '  - { name: advocacy, match: [{ event: [Referral Sent] }] }',
  'funnel: { conversionStage: purchase, journeyWindow: 7d }',
  'abandonment:',
  '  - { name: cart_abandonment, from: cart, to: checkout, within: 1h }',
  '  - { name: checkout_abandonment, from: checkout, to: purchase, within: 1h }',
];

const HAND = [
  page('/', { anonymousId: 'A', at: at(0) }),
  track('Cart Viewed', { anonymousId: 'A', at: at(3) }),
  track('Checkout Started', { anonymousId: 'A', at: at(6) }),
  track('Order Completed', { anonymousId: 'A', at: at(9) }),
  page('/', { anonymousId: 'B', at: at(0) }),
  track('Products Searched', { anonymousId: 'B', at: at(1) }),
  page('/', { anonymousId: 'B', at: at(2) }),
  track('Products Searched', { anonymousId: 'B', at: at(3) }),
  track('Product Viewed', { anonymousId: 'B', at: at(10) }),
  track('Products Searched', { anonymousId: 'C', at: at(0) }),
  page('/', { anonymousId: 'C', at: at(0) }),
  track('Checkout Started', { anonymousId: 'C', at: at(2) }),
  track('Product Viewed', { anonymousId: 'C', at: at(3) }),
  track('Order Completed', { anonymousId: 'C', at: at(4) }),
  page('/', { anonymousId: 'D', at: at(0) }),
];

const M = 60_000;
type Row = [entered: number, skipped: number, advanced: number | null, dropped: number | null, conversion: number | null, median: number | null, p90: number | null];
const EMPTY: Row = [0, 0, 0, 0, null, null, null];
const LAST: Row = [0, 0, null, null, null, null, null];

const EXPECTED: Record<string, Row[]> = {
  reached: [
    [4, 0, 3, 1, 0.75, 0.5 * M, 0.9 * M], // timed: B 1m, C 0 (A's interest is skipped)
    [3, 1, 2, 0, 1, 6 * M, 8.4 * M], // A skipped; B 9m, C 3m
    [3, 1, 1, 1, 0.5, null, null], // A skipped; C advanced but its cart is skipped: not timed; B ends here
    [2, 1, 1, 0, 1, 3 * M, 3 * M], // C skipped; A 3m
    [2, 0, 2, 0, 1, 2.5 * M, 2.9 * M], // A 3m, C 2m
    [2, 0, 0, 2, 0, null, null],
    EMPTY,
    LAST,
  ],
  ordered: [
    [4, 0, 2, 2, 0.5, 0.5 * M, 0.9 * M], // B 1m, C 0
    [2, 0, 2, 0, 1, 5 * M, 6.6 * M], // B 7m, C 3m
    [2, 0, 0, 2, 0, null, null],
    EMPTY,
    EMPTY,
    EMPTY,
    EMPTY,
    LAST,
  ],
  strict: [
    [4, 0, 2, 2, 0.5, 0.5 * M, 0.9 * M],
    [2, 0, 1, 1, 0.5, 7 * M, 7 * M], // B only: C stopped at interest
    [1, 0, 0, 1, 0, null, null],
    EMPTY,
    EMPTY,
    EMPTY,
    EMPTY,
    LAST,
  ],
  any: [
    [4, 0, 3, 1, 0.75, 1 * M, 2.6 * M], // A 3m, B 1m, C 0
    [3, 0, 3, 0, 1, 3 * M, 7.8 * M], // A 3m, B 9m, C 2m
    [3, 0, 2, 1, 0.666667, 2 * M, 2.8 * M], // A 3m, C 1m; B ends
    [2, 0, 1, 1, 0.5, 1 * M, 1 * M], // C 1m; A ends
    [1, 0, 0, 1, 0, null, null],
    EMPTY,
    EMPTY,
    LAST,
  ],
};

describe('journeys funnel --mode on hand-computed sessions (skipped stage, repeated stage, same-timestamp pair)', () => {
  const store = tempStore();
  const pipeline = writeTemp('hand_modes.yaml', PIPELINE);
  beforeAll(() => {
    const ingest = journeys(['ingest', '--pipeline', pipeline, '--input', writeTemp('modes.ndjson', HAND), '--store', store]);
    expect(ingest.status, ingest.stderr).toBe(0);
  });
  afterAll(() => rmSync(store.slice('embedded:'.length), { recursive: true, force: true }));

  const funnel = (...args: string[]) => {
    const result = journeys(['funnel', '--pipeline', pipeline, '--store', store, '--json', ...args]);
    expect(result.status, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as { mode: string; level: string; stages: FunnelStage[] };
  };
  const rows = (stages: FunnelStage[]): Row[] =>
    stages.map((s) => [s.entered, s.skipped, s.advanced, s.dropped, s.conversion_to_next, s.median_time_to_next_ms, s.p90_time_to_next_ms]);

  it.each(['reached', 'ordered', 'strict', 'any'])('--mode %s', (mode) => {
    const report = funnel('--mode', mode);
    expect(report).toMatchObject({ mode, level: 'session' });
    expect(report.stages.map((s) => s.stage)).toEqual(['awareness', 'interest', 'consideration', 'cart', 'checkout', 'purchase', 'retention', 'advocacy']);
    expect(rows(report.stages)).toEqual(EXPECTED[mode]);
    // entered(k+1) = advanced(k) + skipped(k)
    for (let k = 0; k + 1 < report.stages.length; k++) {
      expect(report.stages[k + 1]!.entered).toBe(report.stages[k]!.advanced! + report.stages[k]!.skipped);
    }
  });

  it('defaults to the definition\'s mode and level (reached, session); each person here is one journey', () => {
    const report = funnel();
    expect(report).toMatchObject({ mode: 'reached', level: 'session' });
    expect(rows(report.stages)).toEqual(EXPECTED['reached']);
    for (const mode of ['reached', 'ordered', 'strict', 'any']) {
      const journey = funnel('--level', 'person', '--mode', mode);
      expect(journey).toMatchObject({ mode, level: 'person' });
      expect(rows(journey.stages), mode).toEqual(EXPECTED[mode]);
    }
  });

  it('abandonment: started = the funnel\'s entered of the from-stage, in the same mode', () => {
    for (const [mode, cart, checkout] of [['reached', 2, 2], ['ordered', 0, 0], ['strict', 0, 0]] as const) {
      const result = journeys(['abandonment', '--pipeline', pipeline, '--store', store, '--json', '--mode', mode]);
      expect(result.status, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout) as { mode: string; level: string; rules: Array<{ rule: string; started: number; pending: number; abandoned: number; rate: number | null }> };
      expect(report).toMatchObject({ mode, level: 'session' });
      const byRule = Object.fromEntries(report.rules.map((r) => [r.rule, r]));
      // A and C both completed (order within the hour): known at once, nothing pending.
      expect(byRule['cart_abandonment'], mode).toMatchObject({ started: cart, pending: 0, abandoned: 0, rate: cart === 0 ? null : 0 });
      expect(byRule['checkout_abandonment'], mode).toMatchObject({ started: checkout, pending: 0, abandoned: 0 });
    }
    const text = journeys(['abandonment', '--pipeline', pipeline, '--store', store]);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/started = journeys that entered the from-stage/);
    expect(text.stdout).toMatch(/reached mode.*per session/);
  });

  it('prints the skipped column and the mode and level in words; --mode furthest says it is now reached', () => {
    const text = journeys(['funnel', '--pipeline', pipeline, '--store', store, '--mode', 'ordered', '--level', 'journey']);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^Funnel of hand_modes \(ordered mode: stages in order, as windowFunnel; per person's journey \(window 7\.0d\)\)/);
    expect(text.stdout.split('\n')[1]).toMatch(/^stage\s+entered\s+skipped\s+advanced\s+dropped\s+conversion/);
    const old = journeys(['funnel', '--pipeline', pipeline, '--store', store, '--mode', 'furthest']);
    expect(old.status).toBe(2);
    expect(old.stderr.trim().split('\n')).toHaveLength(1);
    expect(old.stderr).toMatch(/furthest is now called reached/);
    expect(journeys(['abandonment', '--pipeline', pipeline, '--store', store, '--mode', 'any']).status).toBe(2);
  });
});

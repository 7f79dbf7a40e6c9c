import { describe, expect, it } from 'vitest';
import { compareStaged, funnelProgress, plainRules, splitJourneys, type FunnelProgress, type StagedPoint, type StageRules } from '../../src/sessions/funnel-progress.js';
import type { FunnelMode } from '../../src/journey/definition-schema.js';
import { Prng } from '../../src/sources/generator/prng.js';

/** Expectations are hand-computed from docs/semantics.md ("Stages are milestones", "Modes", "Exclusions"). */
const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** A point: `stage@time`, or an exclusion-only event of stage k (`x`). */
const p = (timestampMs: number, stageIndex: number): StagedPoint => ({ timestampMs, stageIndex });
const x = (timestampMs: number, exclusionIndex: number): StagedPoint => ({ timestampMs, stageIndex: 0, exclusionIndex });
const sorted = (points: StagedPoint[]) => [...points].sort(compareStaged);
const bits = (...stages: number[]) => stages.reduce((mask, k) => mask | (1 << (k - 1)), 0);

function rules(stageCount: number, options: { windowMs?: number; optional?: number[]; within?: Record<number, number> } = {}): StageRules {
  const base = plainRules(stageCount, options.windowMs ?? Infinity);
  return {
    ...base,
    optional: base.optional.map((_, i) => (options.optional ?? []).includes(i + 1)),
    withinMs: base.withinMs.map((w, i) => options.within?.[i + 1] ?? w),
  };
}

interface Row {
  name: string;
  points: StagedPoint[];
  rules: StageRules;
  expected: Partial<FunnelProgress>;
}

const run = (mode: FunnelMode) => (row: Row) => {
  const progress = funnelProgress(sorted(row.points), row.rules, mode);
  expect(progress).toMatchObject(row.expected);
  // Invariants of every result.
  expect(progress.reachedAtMs).toHaveLength(progress.level);
  expect(progress.stepMs).toHaveLength(Math.max(progress.level - 1, 0));
};

describe('reached: stages after the conversion stage need a conversion', () => {
  // Four stages, conversion = 2 (purchase): 3 and 4 are retention and advocacy.
  const gated = { ...rules(4), conversionIndex: 2 };
  it.each<Row>([
    { name: 'a review alone is not a purchase', points: [p(0, 1), p(5, 4)], rules: gated, expected: { level: 1, reachedAtMs: [0], skippedMask: 0 } },
    { name: 'an NPS answer alone reaches nothing', points: [p(0, 4)], rules: gated, expected: { level: 0, reachedAtMs: [] } },
    { name: 'after a purchase, the review counts', points: [p(0, 1), p(2, 2), p(5, 4)], rules: gated, expected: { level: 4, reachedAtMs: [0, 2, 5, 5], skippedMask: bits(3), stepMs: [2, -1, -1] } },
    { name: 'the purchase may come after the retention event', points: [p(0, 3), p(2, 2)], rules: gated, expected: { level: 3, reachedAtMs: [0, 0, 0], skippedMask: bits(1), stepMs: [-1, -1] } },
    { name: 'the last stage as conversion gates nothing', points: [p(0, 4)], rules: { ...rules(4), conversionIndex: 4 }, expected: { level: 4, skippedMask: bits(1, 2, 3) } },
  ])('$name', run('reached'));
});

describe('reached (milestones, any order)', () => {
  it.each<Row>([
    { name: 'all stages in order', points: [p(0, 1), p(10, 2), p(20, 3)], rules: rules(3), expected: { level: 3, reachedAtMs: [0, 10, 20], skippedMask: 0, stepMs: [10, 10], excluded: false } },
    { name: 'nothing staged', points: [], rules: rules(3), expected: { level: 0, reachedAtMs: [], skippedMask: 0, stepMs: [] } },
    { name: 'unstaged and exclusion-only events reach nothing', points: [p(0, 0), x(1, 2)], rules: rules(3), expected: { level: 0, reachedAtMs: [] } },
    // Stage 2 is entered with stage 3 and skipped: never timed, never 0 ms.
    { name: 'a skipped stage is entered and skipped, not timed', points: [p(0, 1), p(10, 3)], rules: rules(3), expected: { level: 3, reachedAtMs: [0, 10, 10], skippedMask: bits(2), stepMs: [-1, -1] } },
    { name: 'no first stage: stages before are skipped', points: [p(5, 2)], rules: rules(3), expected: { level: 2, reachedAtMs: [5, 5], skippedMask: bits(1), stepMs: [-1] } },
    { name: 'any order: stage 3 first, then stage 1', points: [p(0, 3), p(10, 1)], rules: rules(3), expected: { level: 3, reachedAtMs: [0, 0, 0], skippedMask: bits(2), stepMs: [-1, -1] } },
    { name: 'k is entered at the first event of k or beyond', points: [p(0, 1), p(10, 3), p(20, 2)], rules: rules(3), expected: { level: 3, reachedAtMs: [0, 10, 10], skippedMask: 0, stepMs: [20, -1] } },
    { name: 'going back does not move progress back', points: [p(0, 1), p(1, 2), p(2, 1)], rules: rules(3), expected: { level: 2, reachedAtMs: [0, 1], stepMs: [1] } },
    { name: 'repeated stages: first events count', points: [p(0, 1), p(5, 1), p(10, 2), p(15, 2), p(20, 3)], rules: rules(3), expected: { level: 3, reachedAtMs: [0, 10, 20], stepMs: [10, 10] } },
    // Time 1 → 2 runs from the first 1 (5) to the first 2 at or after it (10), not from the earlier 2 at 0.
    { name: 'time k → k+1 uses the first k+1 at or after the first k', points: [p(0, 2), p(5, 1), p(10, 2)], rules: rules(2), expected: { level: 2, reachedAtMs: [0, 0], skippedMask: 0, stepMs: [5] } },
    { name: 'no k+1 after the first k: not timed', points: [p(0, 2), p(5, 1)], rules: rules(2), expected: { level: 2, reachedAtMs: [0, 0], stepMs: [-1] } },
    { name: 'same timestamp counts in stage order (0 ms)', points: [p(5, 2), p(5, 1)], rules: rules(2), expected: { level: 2, reachedAtMs: [5, 5], stepMs: [0] } },
    { name: 'the window does not apply to a session (reached ignores it)', points: [p(0, 1), p(100, 2)], rules: rules(2, { windowMs: 10 }), expected: { level: 2, stepMs: [100] } },
    // docs/semantics.md worked example: awareness 0, cart 3, checkout 6, purchase 9 (of six stages).
    {
      name: 'worked example: page 0, Cart Viewed 3, Checkout Started 6, Order Completed 9',
      points: [p(0, 1), p(3 * MIN, 4), p(6 * MIN, 5), p(9 * MIN, 6)],
      rules: rules(6),
      expected: { level: 6, reachedAtMs: [0, 3, 3, 3, 6, 9].map((m) => m * MIN), skippedMask: bits(2, 3), stepMs: [-1, -1, -1, 3 * MIN, 3 * MIN] },
    },
    {
      name: 'worked example: page 0, search 1, page 2, product viewed 4, page 5',
      points: [p(0, 1), p(MIN, 2), p(2 * MIN, 1), p(4 * MIN, 3), p(5 * MIN, 1)],
      rules: rules(6),
      expected: { level: 3, reachedAtMs: [0, MIN, 4 * MIN], skippedMask: 0, stepMs: [MIN, 3 * MIN] },
    },
    // awareness 0, interest 1, awareness 2, interest 3, cart 10 with cart next after interest: from the first interest.
    {
      name: 'worked example: interest → cart from the first interest (9 min)',
      points: [p(0, 1), p(MIN, 2), p(2 * MIN, 1), p(3 * MIN, 2), p(10 * MIN, 3)],
      rules: rules(3),
      expected: { level: 3, reachedAtMs: [0, MIN, 10 * MIN], stepMs: [MIN, 9 * MIN] },
    },
  ])('$name', run('reached'));
});

describe('ordered (windowFunnel default mode)', () => {
  it.each<Row>([
    { name: 'all stages in order', points: [p(0, 1), p(10, 2), p(20, 3)], rules: rules(3), expected: { level: 3, reachedAtMs: [0, 10, 20], skippedMask: 0, stepMs: [10, 10], excluded: false } },
    { name: 'a skipped stage stops the chain', points: [p(0, 1), p(10, 3)], rules: rules(3), expected: { level: 1, reachedAtMs: [0], skippedMask: 0, stepMs: [] } },
    { name: 'no first stage, no level', points: [p(0, 2), p(10, 3)], rules: rules(3), expected: { level: 0, reachedAtMs: [], stepMs: [] } },
    { name: 'stage 2 before stage 1 does not count', points: [p(0, 2), p(10, 1)], rules: rules(3), expected: { level: 1, reachedAtMs: [10] } },
    { name: 'stage 2 after a later restart counts', points: [p(0, 2), p(10, 1), p(20, 2)], rules: rules(3), expected: { level: 2, reachedAtMs: [10, 20], stepMs: [10] } },
    // A first-stage event restarts the chain: stage 2 extends the latest chain at stage 1 (started at 5).
    { name: 'repeated first stage: the latest chain is extended', points: [p(0, 1), p(5, 1), p(10, 2), p(20, 3)], rules: rules(3), expected: { level: 3, reachedAtMs: [5, 10, 20], stepMs: [5, 10] } },
    // A repeated stage 2 extends the latest chain at 1 again and replaces the chain at 2 (as windowFunnel's slot): 3 extends [5, 15].
    { name: 'repeated stages: each step extends the latest chain', points: [p(0, 1), p(5, 1), p(10, 2), p(15, 2), p(20, 3)], rules: rules(3), expected: { level: 3, reachedAtMs: [5, 15, 20], stepMs: [10, 5] } },
    { name: 'same timestamp counts in stage order', points: [p(5, 3), p(5, 2), p(5, 1)], rules: rules(3), expected: { level: 3, reachedAtMs: [5, 5, 5], stepMs: [0, 0] } },
    // The chain that first got to stage 2 keeps its times; a later equal chain does not replace them.
    { name: 'going back: the chain that first got furthest keeps its times', points: [p(0, 1), p(1, 2), p(2, 1), p(3, 2)], rules: rules(3), expected: { level: 2, reachedAtMs: [0, 1], stepMs: [1] } },
    { name: 'unstaged and exclusion-only events change nothing', points: [p(0, 1), p(1, 0), x(2, 3), p(3, 2)], rules: rules(3), expected: { level: 2, reachedAtMs: [0, 3] } },
    { name: 'window: a step at start + window counts', points: [p(0, 1), p(10, 2)], rules: rules(3, { windowMs: 10 }), expected: { level: 2, reachedAtMs: [0, 10] } },
    { name: 'window: a step 1 ms past it does not', points: [p(0, 1), p(11, 2)], rules: rules(3, { windowMs: 10 }), expected: { level: 1, reachedAtMs: [0] } },
    { name: 'window: a later restart makes it reachable', points: [p(0, 1), p(15, 1), p(20, 2)], rules: rules(3, { windowMs: 10 }), expected: { level: 2, reachedAtMs: [15, 20] } },
    { name: 'window: runs from the chain start, not the previous step', points: [p(0, 1), p(8, 2), p(16, 3)], rules: rules(3, { windowMs: 10 }), expected: { level: 2, reachedAtMs: [0, 8] } },
    {
      name: 'A day 0, A day 8, B day 8 + 1 h, window 7 days: converts, A → B is 1 h',
      points: [p(0, 1), p(8 * DAY, 1), p(8 * DAY + HOUR, 2)],
      rules: rules(2, { windowMs: 7 * DAY }),
      expected: { level: 2, reachedAtMs: [8 * DAY, 8 * DAY + HOUR], stepMs: [HOUR] },
    },
    {
      name: 'the same with a 30-day window: still the latest A, 1 h',
      points: [p(0, 1), p(8 * DAY, 1), p(8 * DAY + HOUR, 2)],
      rules: rules(2, { windowMs: 30 * DAY }),
      expected: { level: 2, reachedAtMs: [8 * DAY, 8 * DAY + HOUR], stepMs: [HOUR] },
    },
    // Optional stages.
    {
      name: 'worked example without optional stages: level 1',
      points: [p(0, 1), p(3 * MIN, 4), p(6 * MIN, 5), p(9 * MIN, 6)],
      rules: rules(6),
      expected: { level: 1, reachedAtMs: [0], skippedMask: 0 },
    },
    {
      name: 'worked example with interest and consideration optional: level 6, both skipped',
      points: [p(0, 1), p(3 * MIN, 4), p(6 * MIN, 5), p(9 * MIN, 6)],
      rules: rules(6, { optional: [2, 3] }),
      expected: { level: 6, reachedAtMs: [0, 3, 3, 3, 6, 9].map((m) => m * MIN), skippedMask: bits(2, 3), stepMs: [-1, -1, -1, 3 * MIN, 3 * MIN] },
    },
    { name: 'optional stage passed', points: [p(0, 1), p(10, 3)], rules: rules(3, { optional: [2] }), expected: { level: 3, reachedAtMs: [0, 10, 10], skippedMask: bits(2), stepMs: [-1, -1] } },
    { name: 'optional stage taken when it happens', points: [p(0, 1), p(5, 2), p(10, 3)], rules: rules(3, { optional: [2] }), expected: { level: 3, reachedAtMs: [0, 5, 10], skippedMask: 0, stepMs: [5, 5] } },
    { name: 'a required stage still stops the chain', points: [p(0, 1), p(10, 4)], rules: rules(4, { optional: [2] }), expected: { level: 1 } },
    { name: 'an optional first stage: a chain may start at stage 2', points: [p(0, 2), p(1, 4), p(2, 3), p(3, 4)], rules: rules(4, { optional: [1] }), expected: { level: 4, reachedAtMs: [0, 0, 2, 3], skippedMask: bits(1), stepMs: [-1, 2, 1] } },
    // 3 at 7 could extend [0, 5] (no skip) or [6] (skipping 2): fewest skips wins.
    { name: 'the chain with fewest skips is preferred', points: [p(0, 1), p(5, 2), p(6, 1), p(7, 3)], rules: rules(3, { optional: [2] }), expected: { level: 3, reachedAtMs: [0, 5, 7], skippedMask: 0, stepMs: [5, 2] } },
    { name: '… unless it is out of the window', points: [p(0, 1), p(5, 2), p(6, 1), p(7, 3)], rules: rules(3, { optional: [2], windowMs: 6 }), expected: { level: 3, reachedAtMs: [6, 7, 7], skippedMask: bits(2), stepMs: [-1, -1] } },
    { name: 'optional stage passed late: a later event of it changes nothing', points: [p(0, 1), p(1, 3), p(2, 2), p(3, 4)], rules: rules(4, { optional: [2] }), expected: { level: 4, reachedAtMs: [0, 1, 1, 3], skippedMask: bits(2), stepMs: [-1, -1, 2] } },
    // within: per step, from the chain's previous step; inclusive.
    { name: 'within: a step exactly `within` after the previous counts', points: [p(0, 1), p(10, 2), p(15, 3)], rules: rules(3, { within: { 3: 5 } }), expected: { level: 3, reachedAtMs: [0, 10, 15] } },
    { name: 'within: 1 ms more does not', points: [p(0, 1), p(10, 2), p(16, 3)], rules: rules(3, { within: { 3: 5 } }), expected: { level: 2 } },
    { name: 'within: measured from the previous step, not the start', points: [p(0, 1), p(100, 2), p(104, 3)], rules: rules(3, { within: { 3: 5 } }), expected: { level: 3, stepMs: [100, 4] } },
    { name: 'within: a restart brings the step within reach', points: [p(0, 1), p(3, 1), p(6, 2)], rules: rules(2, { within: { 2: 5 } }), expected: { level: 2, reachedAtMs: [3, 6] } },
    { name: 'within after a skipped optional stage runs from the step before it', points: [p(0, 1), p(5, 3)], rules: rules(3, { optional: [2], within: { 3: 5 } }), expected: { level: 3, skippedMask: bits(2) } },
    { name: '… and 1 ms more does not', points: [p(0, 1), p(6, 3)], rules: rules(3, { optional: [2], within: { 3: 5 } }), expected: { level: 1 } },
  ])('$name', run('ordered'));
});

describe('strict (windowFunnel strict_order over staged events)', () => {
  const seq = (...stages: number[]) => stages.map((stageIndex, i) => p(i, stageIndex));
  it.each<Row>([
    // The cases probed in chDB.
    { name: '1,2,4,3 → 2', points: seq(1, 2, 4, 3), rules: rules(4), expected: { level: 2, reachedAtMs: [0, 1] } },
    { name: '1,3,2,3 → 1', points: seq(1, 3, 2, 3), rules: rules(4), expected: { level: 1, reachedAtMs: [0] } },
    { name: '4,1,2,3 → 3 (events before the start are ignored)', points: seq(4, 1, 2, 3), rules: rules(4), expected: { level: 3, reachedAtMs: [1, 2, 3] } },
    { name: '1,2,1,3 → 3 (going back to stage 1 is no interruption)', points: seq(1, 2, 1, 3), rules: rules(4), expected: { level: 3, reachedAtMs: [0, 1, 3] } },
    { name: '2,3,1,2 → 2', points: seq(2, 3, 1, 2), rules: rules(4), expected: { level: 2, reachedAtMs: [2, 3] } },
    { name: '1,2,1,4 → 2', points: seq(1, 2, 1, 4), rules: rules(4), expected: { level: 2 } },
    { name: 'ordered goes on where strict stops', points: seq(1, 3, 2, 3), rules: rules(4), expected: { level: 1 } },
    { name: 'unstaged events do not interrupt', points: [p(0, 1), p(1, 0), x(2, 2), p(3, 2)], rules: rules(3), expected: { level: 2, reachedAtMs: [0, 3] } },
    { name: 'a repeated stage does not interrupt (the latest one is timed)', points: seq(1, 2, 2, 3), rules: rules(3), expected: { level: 3, reachedAtMs: [0, 2, 3] } },
    { name: 'same timestamp counts in stage order', points: [p(5, 3), p(5, 1), p(5, 2)], rules: rules(3), expected: { level: 3, reachedAtMs: [5, 5, 5] } },
    // A step out of the window has a chain to extend (too late): no interruption, and a restart can still get there.
    { name: 'a step out of the window does not end the funnel', points: [p(0, 1), p(20, 2), p(25, 1), p(30, 2)], rules: rules(3, { windowMs: 10 }), expected: { level: 2, reachedAtMs: [25, 30] } },
    { name: 'worked example: level 1', points: [p(0, 1), p(3 * MIN, 4), p(6 * MIN, 5), p(9 * MIN, 6)], rules: rules(6), expected: { level: 1 } },
    { name: 'worked example with both stages optional: level 6', points: [p(0, 1), p(3 * MIN, 4), p(6 * MIN, 5), p(9 * MIN, 6)], rules: rules(6, { optional: [2, 3] }), expected: { level: 6, skippedMask: bits(2, 3) } },
    { name: 'an optional stage may be passed', points: seq(1, 3, 4), rules: rules(4, { optional: [2] }), expected: { level: 4, reachedAtMs: [0, 1, 1, 2], skippedMask: bits(2) } },
    { name: 'a required one may not: the funnel ends', points: seq(1, 4, 2, 3, 4), rules: rules(4, { optional: [2] }), expected: { level: 1 } },
    // An optional first stage: the chain starts at stage 2, and from then on 4 (3 required, not reached) ends the funnel.
    { name: 'a chain started past an optional first stage ends at an interruption too', points: seq(2, 4, 3, 4), rules: rules(4, { optional: [1] }), expected: { level: 2, reachedAtMs: [0, 0], skippedMask: bits(1) } },
  ])('$name', run('strict'));
});

describe('any (PostHog any order)', () => {
  it.each<Row>([
    { name: 'worked example: 4 distinct stages', points: [p(0, 1), p(3 * MIN, 4), p(6 * MIN, 5), p(9 * MIN, 6)], rules: rules(6), expected: { level: 4, reachedAtMs: [0, 3, 6, 9].map((m) => m * MIN), skippedMask: 0, stepMs: [3, 3, 3].map((m) => m * MIN) } },
    { name: 'row k is the k-th distinct stage, in any order', points: [p(0, 3), p(1, 3), p(2, 1), p(3, 2)], rules: rules(3), expected: { level: 3, reachedAtMs: [0, 2, 3], stepMs: [2, 1] } },
    { name: 'nothing staged', points: [p(0, 0)], rules: rules(3), expected: { level: 0, reachedAtMs: [], stepMs: [] } },
    { name: 'window: an event at start + window counts', points: [p(0, 1), p(10, 2)], rules: rules(2, { windowMs: 10 }), expected: { level: 2 } },
    { name: 'window: 1 ms past it does not', points: [p(0, 1), p(11, 2)], rules: rules(2, { windowMs: 10 }), expected: { level: 1, reachedAtMs: [0] } },
    { name: 'the window with most stages wins', points: [p(0, 1), p(20, 2), p(25, 3), p(28, 1)], rules: rules(3, { windowMs: 10 }), expected: { level: 3, reachedAtMs: [20, 25, 28], stepMs: [5, 3] } },
    { name: 'the earliest of equal windows wins', points: [p(0, 1), p(5, 2), p(20, 3), p(25, 1)], rules: rules(3, { windowMs: 10 }), expected: { level: 2, reachedAtMs: [0, 5] } },
    { name: 'exclusions are ignored', points: [p(0, 1), x(5, 2), p(10, 2)], rules: rules(2), expected: { level: 2, excluded: false } },
  ])('$name', run('any'));
});

describe('exclusions: strictly between entering k − 1 and entering k', () => {
  // Stages 1, 2, 3; `exclude` on 3 unless said otherwise.
  const base = [p(0, 1), p(10, 2), p(20, 3)];
  it.each<{ name: string; points: StagedPoint[]; mode: FunnelMode; excluded: boolean; rules?: StageRules }>([
    { name: 'between 2 and 3: excluded', points: [...base, x(15, 3)], mode: 'reached', excluded: true },
    { name: 'between 2 and 3: excluded (ordered)', points: [...base, x(15, 3)], mode: 'ordered', excluded: true },
    { name: 'between 2 and 3: excluded (strict)', points: [...base, x(15, 3)], mode: 'strict', excluded: true },
    { name: 'between 2 and 3: any mode ignores it', points: [...base, x(15, 3)], mode: 'any', excluded: false },
    { name: 'at the time 2 was entered: not strictly after', points: [...base, x(10, 3)], mode: 'reached', excluded: false },
    { name: 'at the time 3 was entered: not strictly before', points: [...base, x(20, 3)], mode: 'reached', excluded: false },
    { name: '1 ms after entering 2: excluded', points: [...base, x(11, 3)], mode: 'ordered', excluded: true },
    { name: '1 ms before entering 3: excluded', points: [...base, x(19, 3)], mode: 'ordered', excluded: true },
    { name: 'before entering 2 (between 1 and 2): not for stage 3', points: [...base, x(5, 3)], mode: 'reached', excluded: false },
    { name: 'after entering 3', points: [...base, x(25, 3)], mode: 'reached', excluded: false },
    { name: 'stage 2 exclusion between 1 and 2', points: [...base, x(5, 2)], mode: 'reached', excluded: true },
    { name: 'stage 3 never entered: the exclusion after 2 does not apply', points: [p(0, 1), p(10, 2), x(15, 3)], mode: 'reached', excluded: false },
    { name: 'stage 3 never entered in ordered mode (3 before 2)', points: [p(0, 1), p(5, 3), x(7, 3), p(10, 2)], mode: 'ordered', excluded: false },
    // Stage 2 skipped in reached mode: it is entered with 3 at 20, so nothing lies between 2 and 3, but an exclusion of 2 does.
    { name: 'skipped stage 2: a stage-3 exclusion at 15 is before entering 2', points: [p(0, 1), x(15, 3), p(20, 3)], mode: 'reached', excluded: false },
    { name: 'skipped stage 2: a stage-2 exclusion at 15 is between 1 and 2', points: [p(0, 1), x(15, 2), p(20, 3)], mode: 'reached', excluded: true },
    // Modes measure from their own entry times: ordered enters 2 at 12 (the restarted chain), reached at 5.
    { name: 'per mode: ordered enters 2 after the exclusion', points: [p(0, 1), p(5, 2), x(8, 3), p(10, 1), p(12, 2), p(20, 3)], mode: 'ordered', excluded: false },
    { name: 'per mode: reached enters 2 before it', points: [p(0, 1), p(5, 2), x(8, 3), p(10, 1), p(12, 2), p(20, 3)], mode: 'reached', excluded: true },
    { name: 'the level is kept, only the flag is set', points: [...base, x(15, 3)], mode: 'ordered', excluded: true },
  ])('$name', ({ points, mode, excluded, rules: r }) => {
    const progress = funnelProgress(sorted(points), r ?? rules(3), mode);
    expect(progress.excluded).toBe(excluded);
  });

  it('an excluded journey keeps its level and times', () => {
    expect(funnelProgress(sorted([...base, x(15, 3)]), rules(3), 'ordered')).toEqual({ level: 3, reachedAtMs: [0, 10, 20], skippedMask: 0, stepMs: [10, 10], excluded: true });
  });
});

describe('splitJourneys', () => {
  it.each([
    // docs/semantics.md: A day 0, A day 8, B day 8 + 1 h, window 7 days: [day 0] and [day 8, day 8 + 1 h].
    { name: 'worked example', points: [p(0, 1), p(8 * DAY, 1), p(8 * DAY + HOUR, 2)], window: 7 * DAY, ranges: [[0, 1], [1, 3]] },
    { name: 'a point at start + window is in the journey', points: [p(0, 1), p(10, 2), p(11, 1)], window: 10, ranges: [[0, 2], [2, 3]] },
    { name: 'unstaged points never start one, but belong to one', points: [p(0, 0), x(1, 2), p(2, 1), p(5, 0), p(20, 0), p(30, 2)], window: 10, ranges: [[2, 4], [5, 6]] },
    { name: 'nothing staged: no journey', points: [p(0, 0), x(1, 2)], window: 10, ranges: [] },
  ])('$name', ({ points, window, ranges }) => {
    expect(splitJourneys(sorted(points), window)).toEqual(ranges);
  });

  it('A day 0, A day 8, B day 8 + 1 h: the second journey converts in every mode with A → B = 1 h', () => {
    const points = [p(0, 1), p(8 * DAY, 1), p(8 * DAY + HOUR, 2)];
    const [first, second] = splitJourneys(points, 7 * DAY);
    for (const mode of ['reached', 'ordered', 'strict', 'any'] as const) {
      expect(funnelProgress(points.slice(...first!), rules(2, { windowMs: 7 * DAY }), mode).level).toBe(1);
      expect(funnelProgress(points.slice(...second!), rules(2, { windowMs: 7 * DAY }), mode)).toMatchObject({ level: 2, stepMs: [HOUR] });
    }
  });
});

/** Brute-force references of the two modes defined without chains, on random sequences. */
describe('reached and any ≡ their definitions, brute force', () => {
  const prng = new Prng(7);
  const random = () => prng.float();
  const sequences = Array.from({ length: 3000 }, () =>
    sorted(Array.from({ length: Math.floor(random() * 10) }, () => p(Math.floor(random() * 12), Math.floor(random() * 5)))),
  );

  /** reached: furthest stage; k entered at the first event of k or beyond; k → k+1 from k's first to the first k+1 at or after it. */
  function reachedReference(points: StagedPoint[], n: number): FunnelProgress {
    const staged = points.filter((q) => q.stageIndex >= 1 && q.stageIndex <= n);
    const level = Math.max(0, ...staged.map((q) => q.stageIndex));
    const first = (k: number) => Math.min(...staged.filter((q) => q.stageIndex === k).map((q) => q.timestampMs));
    const reachedAtMs = Array.from({ length: level }, (_, i) => Math.min(...staged.filter((q) => q.stageIndex >= i + 1).map((q) => q.timestampMs)));
    let skippedMask = 0;
    for (let k = 1; k <= level; k++) if (first(k) === Infinity) skippedMask |= 1 << (k - 1);
    const stepMs = Array.from({ length: Math.max(level - 1, 0) }, (_, i) => {
      const from = first(i + 1);
      const to = Math.min(...staged.filter((q) => q.stageIndex === i + 2 && q.timestampMs >= from).map((q) => q.timestampMs));
      return from === Infinity || to === Infinity ? -1 : to - from;
    });
    return { level, reachedAtMs, skippedMask, stepMs, excluded: false };
  }

  /** any: the window [t, t + w] of a staged event with most distinct stages, earliest first; its k-th new stage's time. */
  function anyReference(points: StagedPoint[], n: number, windowMs: number): FunnelProgress {
    const staged = points.filter((q) => q.stageIndex >= 1 && q.stageIndex <= n);
    let best: number[] = [];
    for (const start of staged) {
      const seen = new Set<number>();
      const times: number[] = [];
      for (const q of staged) {
        if (q.timestampMs < start.timestampMs || q.timestampMs > start.timestampMs + windowMs || seen.has(q.stageIndex)) continue;
        seen.add(q.stageIndex);
        times.push(q.timestampMs);
      }
      if (times.length > best.length) best = times;
    }
    return { level: best.length, reachedAtMs: best, skippedMask: 0, stepMs: best.slice(1).map((t, i) => t - best[i]!), excluded: false };
  }

  it('on 3000 random sequences (4 stages, few distinct times, unstaged events)', () => {
    for (const points of sequences) {
      expect({ points, got: funnelProgress(points, rules(4), 'reached') }).toEqual({ points, got: reachedReference(points, 4) });
      for (const windowMs of [0, 3, Infinity]) {
        expect({ points, windowMs, got: funnelProgress(points, rules(4, { windowMs }), 'any') }).toEqual({ points, windowMs, got: anyReference(points, 4, windowMs) });
      }
    }
  });

  it('strict never gets further than ordered, with or without optional stages and within', () => {
    for (const points of sequences) {
      for (const r of [rules(4), rules(4, { optional: [2, 3] }), rules(4, { optional: [1, 3], within: { 3: 2 }, windowMs: 5 })]) {
        expect(funnelProgress(points, r, 'strict').level).toBeLessThanOrEqual(funnelProgress(points, r, 'ordered').level);
      }
    }
  });
});

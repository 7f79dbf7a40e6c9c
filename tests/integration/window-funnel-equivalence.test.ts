import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore } from '../helpers/store.js';
import { compareStaged, funnelProgress, plainRules, type StagedPoint } from '../../src/sessions/funnel-progress.js';
import type { Store } from '../../src/stores/store.js';
import { Prng } from '../../src/sources/generator/prng.js';

/** Every sequence is compared at each of these windows (numbers written into the SQL text by this file). */
const WINDOWS = [0, 1, 2, 3, 5, 10, 1_000_000] as const;

interface Batch {
  stages: number;
  /** Distinct times a point may take: few, so same-timestamp events are common. */
  times: number;
  maxLength: number;
  /** Share of points without a stage (they must not interrupt strict mode). */
  unstaged: number;
  seed: number;
}

function randomSequences(batch: Batch, count: number): StagedPoint[][] {
  // The generator's seeded PRNG: a failure reproduces.
  const prng = new Prng(batch.seed);
  const random = () => prng.float();
  const sequences: StagedPoint[][] = [];
  for (let s = 0; s < count; s++) {
    const length = Math.floor(random() * (batch.maxLength + 1));
    const points: StagedPoint[] = [];
    for (let i = 0; i < length; i++) {
      const stageIndex = random() < batch.unstaged ? 0 : 1 + Math.floor(random() * batch.stages);
      points.push({ timestampMs: Math.floor(random() * batch.times), stageIndex });
    }
    sequences.push(points.sort(compareStaged));
  }
  return sequences;
}

/**
 * One query per batch: the points travel as three array parameters, and
 * each sequence's windowFunnel is computed at every window in both modes
 * over its staged points (strict mode ignores events without a stage).
 */
async function windowFunnels(store: Store, sequences: StagedPoint[][], stages: number): Promise<Map<number, { ordered: number[]; strict: number[] }>> {
  const seq: number[] = [];
  const ts: number[] = [];
  const stage: number[] = [];
  sequences.forEach((points, i) => {
    for (const point of points) {
      seq.push(i);
      ts.push(point.timestampMs);
      stage.push(point.stageIndex);
    }
  });
  const conditions = Array.from({ length: stages }, (_, k) => `stage = ${k + 1}`).join(', ');
  const funnels = (mode: string) => `[${WINDOWS.map((w) => `windowFunnel(${w}${mode})(ts, ${conditions})`).join(', ')}]`;
  const rows = await store.query<{ seq: number; ordered: number[]; strict: number[] }>(
    `SELECT seq, ${funnels('')} AS ordered, ${funnels(", 'strict_order'")} AS strict
       FROM (SELECT p.1 AS seq, p.2 AS ts, p.3 AS stage
               FROM (SELECT arrayJoin(arrayZip({seq:Array(UInt32)}, {ts:Array(UInt64)}, {stage:Array(UInt8)})) AS p))
      WHERE stage > 0
      GROUP BY seq`,
    { seq, ts, stage },
  );
  return new Map(rows.map((row) => [Number(row.seq), { ordered: row.ordered.map(Number), strict: row.strict.map(Number) }]));
}

/**
 * funnelProgress's `ordered` level must equal ClickHouse windowFunnel(window)
 * and its `strict` level windowFunnel(window, 'strict_order') on the same
 * events — same-timestamp events, repeated and skipped steps, restarts of
 * the chain, window edges, events without a stage.
 */
describe('funnelProgress ≡ windowFunnel', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ store, cleanup } = await openTestStore()));
  afterAll(async () => cleanup());

  it('agrees with the strict_order cases probed in chDB', async () => {
    const cases: Array<[number[], number]> = [
      [[1, 2, 4, 3], 2],
      [[1, 3, 2, 3], 1],
      [[4, 1, 2, 3], 3],
      [[1, 2, 1, 3], 3],
      [[2, 3, 1, 2], 2],
      [[1, 2, 1, 4], 2],
    ];
    const sequences = cases.map(([stages]) => stages.map((stageIndex, i) => ({ timestampMs: i, stageIndex })));
    const fromClickHouse = await windowFunnels(store, sequences, 4);
    cases.forEach(([stages, level], i) => {
      expect({ stages, ch: fromClickHouse.get(i)!.strict[WINDOWS.length - 1] }).toEqual({ stages, ch: level });
      expect({ stages, ours: funnelProgress(sequences[i]!, plainRules(4, 1_000_000), 'strict').level }).toEqual({ stages, ours: level });
    });
  });

  it.each<Batch>([
    { stages: 4, times: 15, maxLength: 12, unstaged: 0, seed: 1 },
    { stages: 4, times: 6, maxLength: 10, unstaged: 0.2, seed: 2 },
    { stages: 3, times: 4, maxLength: 8, unstaged: 0, seed: 3 },
    { stages: 5, times: 30, maxLength: 16, unstaged: 0.1, seed: 4 },
    { stages: 2, times: 3, maxLength: 6, unstaged: 0.3, seed: 5 },
  ])('agrees on 2000 random sequences × %# at every window ($stages stages, $times distinct times)', async (batch) => {
    const sequences = randomSequences(batch, 2000);
    const fromClickHouse = await windowFunnels(store, sequences, batch.stages);
    const mismatches: unknown[] = [];
    let compared = 0;
    let strictBelowOrdered = 0;
    const levels = new Set<number>();
    sequences.forEach((points, seq) => {
      const ch = fromClickHouse.get(seq) ?? { ordered: WINDOWS.map(() => 0), strict: WINDOWS.map(() => 0) };
      WINDOWS.forEach((window, w) => {
        const rules = plainRules(batch.stages, window);
        const ordered = funnelProgress(points, rules, 'ordered').level;
        const strict = funnelProgress(points, rules, 'strict').level;
        if (ordered !== ch.ordered[w] || strict !== ch.strict[w]) {
          mismatches.push({ points: points.map((p) => `${p.timestampMs}:${p.stageIndex}`).join(' '), window, ordered, chOrdered: ch.ordered[w], strict, chStrict: ch.strict[w] });
        }
        if (strict < ordered) strictBelowOrdered++;
        levels.add(ordered);
        compared++;
      });
    });
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(compared).toBe(2000 * WINDOWS.length);
    // The sequences exercise every level and the difference between the modes.
    expect([...levels].sort()).toEqual(Array.from({ length: batch.stages + 1 }, (_, k) => k));
    if (batch.stages >= 3) expect(strictBelowOrdered).toBeGreaterThan(50);
  });
});

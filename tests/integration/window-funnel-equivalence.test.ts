import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore } from '../helpers/store.js';
import { compareStaged, orderedFunnel, type StagedPoint } from '../../src/sessions/funnel-level.js';
import type { Store } from '../../src/stores/store.js';

/** A small seeded PRNG so a failure reproduces. */
function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STAGES = 4;

/**
 * The TypeScript ordered funnel must equal ClickHouse's windowFunnel (default
 * mode) on the same events — including same-timestamp events, repeated and
 * skipped steps, restarts of the chain, and window edges.
 */
describe('orderedFunnel ≡ windowFunnel', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ store, cleanup } = await openTestStore()));
  afterAll(async () => cleanup());

  it.each([
    { window: 10, seed: 1 },
    { window: 3, seed: 2 },
    { window: 0, seed: 3 },
    { window: 1_000_000, seed: 4 },
  ])('agrees on 2000 random sequences with window $window', async ({ window, seed }) => {
    const random = mulberry32(seed);
    const sequences: StagedPoint[][] = [];
    for (let s = 0; s < 2000; s++) {
      const length = Math.floor(random() * 12);
      const points: StagedPoint[] = [];
      // Few distinct times, so same-timestamp events are common.
      for (let i = 0; i < length; i++) points.push({ timestampMs: Math.floor(random() * 15), stageIndex: 1 + Math.floor(random() * STAGES) });
      sequences.push(points);
    }
    await store.command('DROP TABLE IF EXISTS wf_points');
    await store.command('CREATE TABLE wf_points (seq UInt32, ts UInt64, stage UInt8) ENGINE = MergeTree ORDER BY seq');
    const lines = sequences.flatMap((points, seq) => points.map((p) => JSON.stringify([seq, p.timestampMs, p.stageIndex])));
    await store.insertCompactRows('wf_points', ['seq', 'ts', 'stage'], lines.join('\n') + '\n');
    const rows = await store.query<{ seq: number; level: number }>(
      `SELECT seq, windowFunnel({window:UInt64})(ts, stage = 1, stage = 2, stage = 3, stage = 4) AS level
         FROM wf_points GROUP BY seq`,
      { window },
    );
    const fromClickHouse = new Map(rows.map((row) => [Number(row.seq), Number(row.level)]));
    let compared = 0;
    sequences.forEach((points, seq) => {
      if (points.length === 0) return;
      const sorted = [...points].sort(compareStaged);
      const ours = orderedFunnel(sorted, STAGES, window).level;
      expect({ seq, points: sorted, level: ours }).toEqual({ seq, points: sorted, level: fromClickHouse.get(seq) ?? 0 });
      compared++;
    });
    expect(compared).toBeGreaterThan(1500);
  });
});

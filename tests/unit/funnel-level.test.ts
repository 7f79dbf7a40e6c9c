import { describe, expect, it } from 'vitest';
import { compareStaged, furthestFunnel, orderedFunnel, type StagedPoint } from '../../src/sessions/funnel-level.js';

const p = (timestampMs: number, stageIndex: number): StagedPoint => ({ timestampMs, stageIndex });
const sorted = (points: StagedPoint[]) => [...points].sort(compareStaged);

describe('orderedFunnel (windowFunnel default mode, unlimited window)', () => {
  it.each([
    { name: 'all stages in order', points: [p(0, 1), p(10, 2), p(20, 3)], level: 3, reached: [0, 10, 20] },
    { name: 'skipped step stops the chain', points: [p(0, 1), p(10, 3)], level: 1, reached: [0] },
    { name: 'no first stage, no level', points: [p(0, 2), p(10, 3)], level: 0, reached: [] },
    { name: 'out of order: stage 2 before stage 1 does not count', points: [p(0, 2), p(10, 1)], level: 1, reached: [10] },
    { name: 'stage 2 after a later restart still counts', points: [p(0, 2), p(10, 1), p(20, 2)], level: 2, reached: [10, 20] },
    { name: 'repeated steps: first reach times are kept', points: [p(0, 1), p(5, 1), p(10, 2), p(15, 2), p(20, 3)], level: 3, reached: [0, 10, 20] },
    { name: 'same timestamp counts in stage order', points: [p(5, 2), p(5, 1)], level: 2, reached: [5, 5] },
    { name: 'same timestamp, three stages', points: [p(5, 3), p(5, 2), p(5, 1)], level: 3, reached: [5, 5, 5] },
    { name: 'a going-back event does not lower the level', points: [p(0, 1), p(1, 2), p(2, 1)], level: 2, reached: [0, 1] },
  ])('$name', ({ points, level, reached }) => {
    expect(orderedFunnel(sorted(points), 3, Infinity)).toEqual({ level, reachedAtMs: reached });
  });

  it.each([
    { name: 'step exactly at the window edge counts', points: [p(0, 1), p(10, 2)], window: 10, level: 2 },
    { name: 'step one ms past the window does not', points: [p(0, 1), p(11, 2)], window: 10, level: 1 },
    { name: 'a later restart makes the window reachable', points: [p(0, 1), p(15, 1), p(20, 2)], window: 10, level: 2 },
    { name: 'the window runs from the chain start, not the previous step', points: [p(0, 1), p(8, 2), p(16, 3)], window: 10, level: 2 },
  ])('window: $name', ({ points, window, level }) => {
    expect(orderedFunnel(sorted(points), 3, window).level).toBe(level);
  });
});

describe('furthestFunnel', () => {
  it.each([
    { name: 'furthest stage in any order', points: [p(0, 3), p(10, 1)], level: 3, reached: [0, 0, 0] },
    { name: 'reach time of k is the first event at k or beyond', points: [p(0, 1), p(10, 3), p(20, 2)], level: 3, reached: [0, 10, 10] },
    { name: 'nothing staged', points: [], level: 0, reached: [] },
  ])('$name', ({ points, level, reached }) => {
    expect(furthestFunnel(sorted(points), 3)).toEqual({ level, reachedAtMs: reached });
  });
});

import { describe, expect, it } from 'vitest';
import { consecutiveRuns, daysTouched } from '../../src/pipeline/rollup-refresh.js';

const DAY = 86_400_000;
const day = (n: number) => Date.UTC(2026, 10, 1) + n * DAY;

describe('rollup days', () => {
  it('lists the UTC days a session touches', () => {
    expect(daysTouched(day(1) + 1_000, day(1) + 2_000)).toEqual([day(1)]);
    expect(daysTouched(day(1) + DAY - 1, day(2) + 5)).toEqual([day(1), day(2)]);
  });

  it('cuts owed days into runs of consecutive days, at most a week each', () => {
    expect(consecutiveRuns([])).toEqual([]);
    expect(consecutiveRuns([day(3), day(1), day(2), day(2)])).toEqual([[day(1), day(2), day(3)]]);
    expect(consecutiveRuns([day(1), day(3), day(4)])).toEqual([[day(1)], [day(3), day(4)]]);
    const tenDays = Array.from({ length: 10 }, (_, i) => day(i));
    expect(consecutiveRuns(tenDays)).toEqual([tenDays.slice(0, 7), tenDays.slice(7)]);
  });
});

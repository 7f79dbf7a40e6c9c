/** The journey map's own arithmetic, by hand (docs/semantics.md, "The journey map"). */
import { describe, expect, it } from 'vitest';
import { csatFigure, npsFigure, studentQuantile975 } from '../../src/map/emotion-figures.js';
import { compareStages } from '../../src/map/compare-stages.js';

describe('NPS', () => {
  it('is % promoters − % detractors with the interval of a difference of shares', () => {
    // 9, 10, 10, 7, 3, 0: promoters 3, passive 1, detractors 2 of 6.
    // p = .5, d = 1/3: score 16.667; variance (p + d − (p − d)²)/n = (.83333 − .02778)/6 = .134259; half = 100 × 1.959964 × .366414 = 71.816: −55.149 to 88.483.
    expect(npsFigure(6, 3, 2)).toEqual({ answers: 6, promoters: 3, passives: 1, detractors: 2, score: 16.7, ci_low: -55.1, ci_high: 88.5 });
  });
  it('clamps the interval to ±100 and has none without answers', () => {
    expect(npsFigure(4, 4, 0)).toMatchObject({ score: 100, ci_low: 100, ci_high: 100 });
    expect(npsFigure(0, 0, 0)).toBeNull();
  });
});

describe('CSAT', () => {
  it('is the mean with a t interval', () => {
    // 1, 2, 5: mean 2.667, s² = ((1−2.667)² + (2−2.667)² + (5−2.667)²)/2 = 4.333; t(2) = 4.303; half = 4.303 × √(4.333/3) = 5.171.
    expect(studentQuantile975(2)).toBeCloseTo(4.303, 3);
    expect(studentQuantile975(29)).toBeCloseTo(2.045, 3);
    expect(csatFigure(3, 8, 30)).toEqual({ answers: 3, mean: 2.67, ci_low: 1, ci_high: 5 });
    // 4, 4, 5, 5: mean 4.5, s² = 1/3, t(3) = 3.182, half = 3.182 × √(1/12) = 0.9187.
    expect(csatFigure(4, 18, 82)).toEqual({ answers: 4, mean: 4.5, ci_low: 3.58, ci_high: 5 });
  });
  it('gives no interval with one answer', () => {
    expect(csatFigure(1, 2, 4)).toEqual({ answers: 1, mean: 2, ci_low: null, ci_high: null });
  });
});

describe('comparing stages', () => {
  const stages = ['a', 'b', 'c'];
  it('tests conversion on the journeys at each stage, Bonferroni over the stages tested', () => {
    // a: 40 at, 30 advanced vs 40 at, 10 advanced: pooled .5, se = √(.25 × 2/40) = .1118, z = .5/.1118 = 4.472, p = 7.7e-6.
    // b: 30 at (entered 30, none skipped) vs 10: too few on B's side.
    const a = new Map([[1, { entered: 40, skipped: 0, advanced: 30 }], [2, { entered: 30, skipped: 0, advanced: 15 }], [3, { entered: 15, skipped: 0, advanced: 0 }]]);
    const b = new Map([[1, { entered: 40, skipped: 0, advanced: 10 }], [2, { entered: 12, skipped: 2, advanced: 5 }], [3, { entered: 5, skipped: 0, advanced: 0 }]]);
    const [first, second, last] = compareStages(stages, a, b);
    expect(first).toMatchObject({ a_at: 40, a_advanced: 30, a_conversion: 0.75, b_at: 40, b_conversion: 0.25, difference: 0.5, significant: true, verdict: 'better' });
    expect(first!.p_value).toBeCloseTo(7.74e-6, 7);
    expect(second).toMatchObject({ a_at: 30, b_at: 10, b_conversion: 0.5, p_value: null, verdict: 'too few to tell' });
    expect(last).toMatchObject({ verdict: 'not applicable', a_conversion: null });
  });
  it('says no significant difference when p is above alpha / tested', () => {
    const a = new Map([[1, { entered: 100, skipped: 0, advanced: 52 }]]);
    const b = new Map([[1, { entered: 100, skipped: 0, advanced: 48 }]]);
    expect(compareStages(['x', 'y'], a, b)[0]).toMatchObject({ significant: false, verdict: 'no significant difference' });
  });
});

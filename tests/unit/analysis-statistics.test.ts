import { describe, expect, it } from 'vitest';
import { binomialUpperTail, formatPValue, normalUpperQuantile, normalUpperTail, smoothedOddsRatio, twoProportionZTest } from '../../src/analysis/statistics.js';

describe('statistics (simple-statistics underneath)', () => {
  it.each([
    // pooled p = 0.5, SE = √(0.25 · (1/100 + 1/100)) = 0.0707107, z = 0.2 / SE
    { a: { trials: 100, successes: 60 }, b: { trials: 100, successes: 40 }, z: 2.828427, p: 0.004678 },
    { a: { trials: 100, successes: 40 }, b: { trials: 100, successes: 60 }, z: -2.828427, p: 0.004678 },
    // pooled 0.5, SE = √(0.25 · (2/500)) = 0.0316228, z = −0.2 / SE
    { a: { trials: 500, successes: 200 }, b: { trials: 500, successes: 300 }, z: -6.324555, p: 2.5e-10 },
    // no variance, no trials: no evidence
    { a: { trials: 10, successes: 10 }, b: { trials: 10, successes: 10 }, z: 0, p: 1 },
    { a: { trials: 0, successes: 0 }, b: { trials: 10, successes: 3 }, z: 0, p: 1 },
  ])('two-proportion z-test $a vs $b', ({ a, b, z, p }) => {
    const result = twoProportionZTest(a, b);
    expect(result.z).toBeCloseTo(z, 5);
    expect(result.pValue).toBeCloseTo(p, 6);
  });

  it('normal tail is precise below the 0.001 the lookup table bottoms out at', () => {
    expect(normalUpperTail(0)).toBeCloseTo(0.5, 7);
    expect(normalUpperTail(1.959964)).toBeCloseTo(0.025, 6);
    expect(normalUpperTail(5) / 2.866516e-7).toBeCloseTo(1, 4);
  });

  it.each([
    // (5+1)/(5+1) over (2+1)/(8+1) = 1 / (1/3)
    { a: { trials: 10, successes: 5 }, b: { trials: 10, successes: 2 }, ratio: 3 },
    // empty cells stay finite: (0+1)/(10+1) over (10+1)/(0+1)
    { a: { trials: 10, successes: 0 }, b: { trials: 10, successes: 10 }, ratio: 1 / 121 },
  ])('odds ratio with +1 smoothing $a vs $b', ({ a, b, ratio }) => {
    expect(smoothedOddsRatio(a, b)).toBeCloseTo(ratio, 10);
  });

  it.each([
    [0.0004, 'p < 0.001'],
    [0.0123, 'p = 0.01'],
    [0.004, 'p = 0.004'],
    [0.42, 'p = 0.42'],
  ])('formats p = %f as %s', (p, text) => {
    expect(formatPValue(p)).toBe(text);
  });
});

describe('exact binomial tail and normal quantile', () => {
  it.each([
    // all of 12 abandoned at 44 %: 0.44¹²; 13 of 14 at 61 %: 14·0.61¹³·0.39 + 0.61¹⁴; at least 3 of 10 at 50 %
    [12, 12, 0.44, 0.44 ** 12],
    [14, 13, 0.61, 14 * 0.61 ** 13 * 0.39 + 0.61 ** 14],
    [10, 3, 0.5, 1 - 56 / 1024],
    [10, 0, 0.5, 1],
    [10, 11, 0.5, 0],
  ])('P(X ≥ k | n = %i) at k = %i, rate %f', (n, k, rate, expected) => {
    expect(binomialUpperTail(n, k, rate)).toBeCloseTo(expected, 12);
  });

  it('the upper quantile inverts the upper tail, far into it', () => {
    // (normalUpperTail is 1 − erf: it loses digits beyond z ≈ 6, the quantile does not)
    for (const z of [-2, 0, 1.96, 3, 5]) expect(normalUpperQuantile(normalUpperTail(z))).toBeCloseTo(z, 3);
    expect(normalUpperQuantile(2.866515718791939e-7)).toBeCloseTo(5, 6);
    expect(normalUpperQuantile(6.220960574271785e-16)).toBeCloseTo(8, 5);
  });
});

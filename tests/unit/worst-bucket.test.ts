import { describe, expect, it } from 'vitest';
import { rateLowerBound, WORST_BUCKET_MIN_SESSIONS } from '../../src/metrics/abandonment-report.js';

/** Hand-computed 95 % Wilson lower bounds (z = 1.96): (p + z²/2n − z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n). */
describe('the worst bucket ranks by how surely its rate is high', () => {
  it.each([
    { abandoned: 5, known: 5, bound: 0.5655 },
    { abandoned: 27, known: 30, bound: 0.7438 },
    { abandoned: 0, known: 10, bound: 0 },
    { abandoned: 0, known: 0, bound: 0 },
  ])('$abandoned of $known → $bound', ({ abandoned, known, bound }) => {
    expect(rateLowerBound(abandoned, known)).toBeCloseTo(bound, 3);
  });

  it('27 of 30 outranks 5 of 5, and the minimum sample is one documented number', () => {
    expect(rateLowerBound(27, 30)).toBeGreaterThan(rateLowerBound(5, 5));
    expect(WORST_BUCKET_MIN_SESSIONS).toBe(5);
  });
});

/**
 * NPS and CSAT of one stage from the answers' counts and sums
 * (docs/semantics.md, "The journey map", Emotions): pure, so every figure
 * the map shows is pinned by hand-computed tests.
 */
import { regularizedBeta } from '../analysis/statistics.js';
import type { CsatFigure, NpsFigure } from './journey-map.js';

const Z_95 = 1.959964;

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * NPS = 100 × (promoters − detractors) / answers; its 95 % interval from the
 * variance of the difference of two shares of one multinomial sample,
 * (p + d − (p − d)²) / n, clamped to −100…100. Null without answers.
 */
export function npsFigure(answers: number, promoters: number, detractors: number): NpsFigure | null {
  if (answers <= 0) return null;
  const p = promoters / answers;
  const d = detractors / answers;
  const score = 100 * (p - d);
  const half = 100 * Z_95 * Math.sqrt(Math.max(0, p + d - (p - d) ** 2) / answers);
  return {
    answers,
    promoters,
    passives: answers - promoters - detractors,
    detractors,
    score: round(score, 1),
    ci_low: round(Math.max(-100, score - half), 1),
    ci_high: round(Math.min(100, score + half), 1),
  };
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom. */
function studentCdf(t: number, df: number): number {
  const tail = 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The t with P(T ≤ t) = 0.975 (df degrees of freedom), by bisection of the CDF. */
export function studentQuantile975(df: number): number {
  let low = 0;
  let high = 1000;
  for (let i = 0; i < 200 && high - low > 1e-10; i++) {
    const mid = (low + high) / 2;
    if (studentCdf(mid, df) < 0.975) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

/**
 * Mean CSAT with a 95 % t interval (sample standard deviation from the sum
 * of squares; none with a single answer), clamped to 1…5. Null without answers.
 */
export function csatFigure(answers: number, sum: number, squares: number): CsatFigure | null {
  if (answers <= 0) return null;
  const mean = sum / answers;
  if (answers === 1) return { answers, mean: round(mean, 2), ci_low: null, ci_high: null };
  const variance = Math.max(0, (squares - answers * mean * mean) / (answers - 1));
  const half = studentQuantile975(answers - 1) * Math.sqrt(variance / answers);
  return { answers, mean: round(mean, 2), ci_low: round(Math.max(1, mean - half), 2), ci_high: round(Math.min(5, mean + half), 2) };
}

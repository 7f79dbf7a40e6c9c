import type { Prng } from './prng.js';

/**
 * A survey answer drawn from a mood in [0, 1] (0: furious, 1: delighted):
 * the score scatters around the mood's point on the scale (NPS 0–10, CSAT
 * 1–5) by a triangular spread, so a stage's mean and NPS move with its
 * mood while single answers still disagree, as real ones do.
 */
export function surveyScore(rng: Prng, type: 'nps' | 'csat', mood: number): number {
  const m = mood < 0 ? 0 : mood > 1 ? 1 : mood;
  // Sum of two uniforms: a triangular spread of ±1 around 0.
  const spread = rng.float() + rng.float() - 1;
  if (type === 'nps') return clamp(Math.round(m * 10 + spread * 3.5), 0, 10);
  return clamp(Math.round(1 + m * 4 + spread * 1.6), 1, 5);
}

function clamp(value: number, min: number, max: number): number {
  return value < min ? min : value > max ? max : value;
}

/** A comment for a low, middling or high score, from the survey's three lists (undefined with probability 1 − `odds`). */
export function surveyComment(
  rng: Prng,
  type: 'nps' | 'csat',
  score: number,
  comments: { low: readonly string[]; mid: readonly string[]; high: readonly string[] },
  odds = 0.3,
): string | undefined {
  if (!rng.chance(odds)) return undefined;
  const share = type === 'nps' ? score / 10 : (score - 1) / 4;
  const list = share < 0.45 ? comments.low : share < 0.75 ? comments.mid : comments.high;
  return list.length === 0 ? undefined : rng.pick(list);
}

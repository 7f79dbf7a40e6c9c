import { describe, expect, it } from 'vitest';
import { lastSettledDay, OwedDays } from '../../src/pipeline/owed-days.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const day = (n: number) => Date.UTC(2026, 10, 2) + n * DAY;
const week = Array.from({ length: 7 }, (_, i) => day(i));

describe('settled days', () => {
  // Days 0–6 owed: those handed over for a rebuild at the watermark (hand-computed: a day waits its own 24 h plus the longer span).
  const cases = [
    { name: 'ecommerce (24 h sessions, 7 d journeys): not before day 8', spans: { maxDurationMs: 24 * HOUR, journeyWindowMs: 7 * DAY }, watermarkMs: day(8) - 1, taken: [] },
    { name: 'ecommerce: day 0 at day 8', spans: { maxDurationMs: 24 * HOUR, journeyWindowMs: 7 * DAY }, watermarkMs: day(8), taken: [day(0)] },
    { name: 'ecommerce: days 0–1 at day 9 noon', spans: { maxDurationMs: 24 * HOUR, journeyWindowMs: 7 * DAY }, watermarkMs: day(9) + 12 * HOUR, taken: [day(0), day(1)] },
    { name: 'b2b-saas (90 d journeys): none in a week', spans: { maxDurationMs: 24 * HOUR, journeyWindowMs: 90 * DAY }, watermarkMs: day(7), taken: [] },
    { name: 'sessions longer than journeys: the sessions decide', spans: { maxDurationMs: 2 * DAY, journeyWindowMs: HOUR }, watermarkMs: day(4) + HOUR, taken: [day(0), day(1)] },
    { name: 'no watermark yet', spans: { maxDurationMs: 24 * HOUR, journeyWindowMs: 7 * DAY }, watermarkMs: -Infinity, taken: [] },
  ];
  for (const { name, spans, watermarkMs, taken } of cases) {
    it(name, () => {
      const owed = new OwedDays(week);
      expect(owed.takeUpTo(lastSettledDay(watermarkMs, spans))).toEqual(taken);
      // The days handed over stay owed until rebuilt.
      expect(owed.all.sort((a, b) => a - b)).toEqual(week);
    });
  }
});

import { describe, expect, it } from 'vitest';
import { rankTransitions, transitionFigures } from '../../src/analysis/bottleneck-figures.js';
import { bottleneckDrivers } from '../../src/analysis/bottleneck-drivers.js';
import { bottleneckSentence } from '../../src/analysis/bottleneck-sentence.js';
import type { DriverDimension, StageBreakdown, StepCounts } from '../../src/analysis/stage-breakdown.js';

const STAGES = ['cart', 'checkout', 'purchase'];

type Counts = Omit<StepCounts, 'skipped'> & { skipped?: number };

/** A breakdown from per-device counts of stage 1 and 2 (overall = their sum; skipped 0 unless given). */
function breakdown(byDevice: Record<string, [Counts, Counts]>): StageBreakdown {
  const overall = new Map<number, StepCounts>();
  const values = new Map<string, Map<number, StepCounts>>();
  for (const [device, given] of Object.entries(byDevice)) {
    const steps = given.map((c) => ({ skipped: 0, ...c }));
    values.set(device, new Map(steps.map((c, i) => [i + 1, c])));
    steps.forEach((c, i) => {
      const sum = overall.get(i + 1) ?? { entered: 0, skipped: 0, advanced: 0 };
      overall.set(i + 1, { entered: sum.entered + c.entered, skipped: sum.skipped + c.skipped, advanced: sum.advanced + c.advanced });
    });
  }
  return { overall, byValue: new Map<DriverDimension, Map<string, Map<number, StepCounts>>>([['device', values]]) };
}

// Worked example: mobile checkout breaks. cart → checkout is unchanged (50%);
// checkout → purchase falls from 60% to 40%, all of it on mobile (60% → 20%).
const baseline = breakdown({
  mobile: [{ entered: 500, advanced: 250 }, { entered: 250, advanced: 150 }],
  desktop: [{ entered: 500, advanced: 250 }, { entered: 250, advanced: 150 }],
});
const current = breakdown({
  mobile: [{ entered: 500, advanced: 250 }, { entered: 250, advanced: 50 }],
  desktop: [{ entered: 500, advanced: 250 }, { entered: 250, advanced: 150 }],
});

describe('bottleneck figures and ranking', () => {
  it('compares every transition with the baseline (hand-computed)', () => {
    const [cart, checkout] = transitionFigures({ stageNames: STAGES, current, baseline });
    expect(cart).toMatchObject({ from_stage: 'cart', to_stage: 'checkout', conversion: 0.5, baseline_conversion: 0.5, lost: 500, lost_vs_baseline: 0, p_value: 1, significant: false });
    // lost vs baseline = 500 × (0.6 − 0.4) = 100; relative change = −0.2 / 0.6; z = −0.2 / √(0.25 · 2/500) = −6.32
    expect(checkout).toMatchObject({ conversion: 0.4, baseline_conversion: 0.6, lost: 300, significant: true });
    expect(checkout!.lost_vs_baseline).toBeCloseTo(100, 9);
    expect(checkout!.relative_change).toBeCloseTo(-1 / 3, 9);
    expect(checkout!.p_value).toBeLessThan(1e-9);
    // 800 sessions lost in all: 500 at cart, 300 at checkout
    expect([cart!.share_of_dropoff, checkout!.share_of_dropoff]).toEqual([0.625, 0.375]);
  });

  it('ranks significant drops by conversions lost with a baseline, by share of drop-off without', () => {
    const withBaseline = rankTransitions(transitionFigures({ stageNames: STAGES, current, baseline }), true);
    expect(withBaseline.map((t) => t.from_stage)).toEqual(['checkout', 'cart']);
    const without = rankTransitions(transitionFigures({ stageNames: STAGES, current, baseline: undefined }), false);
    expect(without.map((t) => t.from_stage)).toEqual(['cart', 'checkout']);
    expect(without[0]).toMatchObject({ baseline_conversion: null, p_value: null, lost_vs_baseline: null, significant: false });
  });

  it('skipped journeys are left out of the conversion, the loss and the z-test (hand-computed)', () => {
    // 300 entered checkout, 50 of them without a checkout event (cart → order straight):
    // conversion = 100 / (300 − 50) = 40%, not (100 + 50) / 300 = 50%.
    const now = breakdown({ all: [{ entered: 1000, advanced: 250 }, { entered: 300, skipped: 50, advanced: 100 }] });
    const before = breakdown({ all: [{ entered: 1000, advanced: 250 }, { entered: 300, skipped: 50, advanced: 150 }] });
    const [, checkout] = transitionFigures({ stageNames: STAGES, current: now, baseline: before });
    expect(checkout).toMatchObject({ entered: 300, skipped: 50, advanced: 100, conversion: 0.4, baseline_skipped: 50, baseline_conversion: 0.6, lost: 150 });
    // lost vs baseline = 250 × (0.6 − 0.4) = 50; z = −0.2 / √(0.5 · 0.5 · 2/250) = −4.47 on n = 250, not 300
    expect(checkout!.lost_vs_baseline).toBeCloseTo(50, 9);
    expect(checkout!.p_value).toBeCloseTo(7.74e-6, 7);
    const drivers = bottleneckDrivers({ stageIndex: 2, current: now, baseline: before, dimensions: ['device'], minSupport: 30 });
    // odds of dropping (150+1)/(100+1) now over (100+1)/(150+1) before, on the 250 at checkout
    expect(drivers).toEqual([{ dimension: 'device', value: 'all', odds_ratio: 2.235, share_of_loss: 1, entered: 300, skipped: 50, conversion: 0.4 }]);
  });

  it('a change within noise is not significant (Bonferroni over the transitions)', () => {
    const noisy = breakdown({ all: [{ entered: 100, advanced: 50 }, { entered: 50, advanced: 27 }] });
    const before = breakdown({ all: [{ entered: 100, advanced: 50 }, { entered: 50, advanced: 33 }] });
    const [, checkout] = transitionFigures({ stageNames: STAGES, current: noisy, baseline: before });
    expect(checkout!.p_value).toBeGreaterThan(0.025);
    expect(checkout!.significant).toBe(false);
  });
});

describe('bottleneck drivers', () => {
  it('with a baseline: mobile converts 20% instead of its own 60%, all of the loss (hand-computed)', () => {
    const drivers = bottleneckDrivers({ stageIndex: 2, current, baseline, dimensions: ['device'], minSupport: 30 });
    // contribution = 250 × (0.6 − 0.2) = 100 of 100 lost; odds of dropping (200+1)/(50+1) over (100+1)/(150+1)
    expect(drivers).toEqual([{ dimension: 'device', value: 'mobile', odds_ratio: 5.892, share_of_loss: 1, entered: 250, skipped: 0, conversion: 0.2 }]);
  });

  it('without a baseline: mobile against all other values, share of every session lost at the step', () => {
    const drivers = bottleneckDrivers({ stageIndex: 2, current, baseline: undefined, dimensions: ['device'], minSupport: 30 });
    // 250 × (0.6 − 0.2) = 100 more would have advanced, of 300 lost; desktop converts better than the rest: no driver
    expect(drivers).toEqual([{ dimension: 'device', value: 'mobile', odds_ratio: 5.892, share_of_loss: 0.3333, entered: 250, skipped: 0, conversion: 0.2 }]);
  });

  it('values below the minimum support are no drivers', () => {
    expect(bottleneckDrivers({ stageIndex: 2, current, baseline, dimensions: ['device'], minSupport: 251 })).toEqual([]);
  });
});

describe('bottleneck sentences', () => {
  const [, checkout] = transitionFigures({ stageNames: STAGES, current, baseline });
  const drivers = bottleneckDrivers({ stageIndex: 2, current, baseline, dimensions: ['device'] });

  it.each([
    { name: 'significant drop with its driver', t: checkout!, d: drivers, hasBaseline: true, text: 'checkout → purchase converts 40% (baseline 60%, p < 0.001); device=mobile accounts for 100% of the loss' },
    { name: 'no driver', t: checkout!, d: [], hasBaseline: true, text: 'checkout → purchase converts 40% (baseline 60%, p < 0.001); no single segment stands out' },
    { name: 'not explained', t: checkout!, d: undefined, hasBaseline: true, text: 'checkout → purchase converts 40% (baseline 60%, p < 0.001)' },
    {
      name: 'no baseline',
      t: { ...checkout!, baseline_conversion: null, p_value: null, significant: false },
      d: drivers,
      hasBaseline: false,
      text: 'checkout → purchase converts 40%; 300 sessions drop here, 38% of all drop-off; device=mobile accounts for 100% of the loss',
    },
    { name: 'unchanged', t: { ...checkout!, conversion: 0.6, p_value: 0.5, significant: false }, d: [], hasBaseline: true, text: 'checkout → purchase converts 60.0% (baseline 60.0%, p = 0.50): no significant change' },
  ])('$name', ({ t, d, hasBaseline, text }) => {
    expect(bottleneckSentence(t, d, { hasBaseline })).toBe(text);
  });
});

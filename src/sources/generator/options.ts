import { z } from 'zod';

const isoTime = z
  .string()
  .refine((text) => Number.isFinite(Date.parse(text)), { message: 'expected an ISO-8601 time, e.g. 2026-11-02T00:00:00Z' });

const share = (fallback: number, what: string) => z.number().min(0).max(0.5).default(fallback).describe(what);

/** The dimensions a bottleneck can target (the consumer's journey dimensions). */
export const BOTTLENECK_DIMENSIONS = ['device', 'channel', 'country', 'segment', 'browser'] as const;

/** Options of the synthetic event generator; every field has a default. */
export const generatorOptionsSchema = z
  .strictObject({
    scenario: z
      .enum(['ecommerce', 'b2b-saas', 'rees46'])
      .default('ecommerce')
      .describe('ecommerce: Segment NDJSON; b2b-saas: Segment + CRM envelope NDJSON; rees46: CSV in the REES46 layout'),
    seed: z.number().int().default(42).describe('PRNG seed: the same options and seed give byte-identical output'),
    start: isoTime.default('2026-11-02T00:00:00Z').describe('Start of the simulated period (ISO-8601)'),
    days: z.number().positive().max(366).default(7).describe('Length of the simulated period in days'),
    visitorsPerDay: z
      .number()
      .nonnegative()
      .max(10_000_000)
      .default(2000)
      .describe('New visitors on an average day of the week (weekdays bring more, weekends fewer)'),
    outOfOrderShare: share(0.02, 'Share of events delivered late by 1 s–5 min (within a usual lateness allowance)'),
    veryLateShare: share(0.001, 'Share of events delivered 2–6 hours late'),
    duplicateShare: share(0.01, 'Share of events whose exact line is delivered a second time, 0.5 s–2 min later'),
    malformedShare: share(0.003, 'Share of output lines that are malformed records'),
    productLists: z
      .boolean()
      .default(true)
      .describe(
        'ecommerce: false for a shop without category or search pages (no Product List Viewed or Products Searched): ' +
          'sessions go Home → Product Viewed → Product Added → Checkout Started → Order Completed, with the same odds',
      ),
    bottleneck: z
      .strictObject({
        fromStage: z.string().min(1).describe('Funnel stage whose advance to the next stage is throttled (see the scenario stages)'),
        dimension: z.enum(BOTTLENECK_DIMENSIONS).describe('Visitor dimension that selects the affected visitors'),
        value: z
          .string()
          .min(1)
          .describe('Dimension value, e.g. mobile, "Paid Search", DE, vip, "Mobile Safari" (case and _/-/space insensitive)'),
        conversionFactor: z.number().nonnegative().describe('Multiplies the probability of advancing from fromStage'),
      })
      .optional()
      .describe('A planted conversion drop at one stage for one dimension value'),
    spike: z
      .strictObject({
        start: isoTime.describe('Window start (ISO-8601)'),
        durationMinutes: z.number().positive().describe('Window length in minutes'),
        checkoutAbandonmentRate: z
          .number()
          .min(0)
          .max(1)
          .describe('Visitors reaching checkout inside [start, start + duration) complete it with probability 1 − rate'),
      })
      .optional()
      .describe('A planted checkout-abandonment spike'),
  })
  .refine((o) => o.outOfOrderShare + o.veryLateShare <= 0.5, {
    message: 'outOfOrderShare + veryLateShare must not exceed 0.5',
  })
  .refine((o) => o.duplicateShare + o.malformedShare <= 0.5, {
    message: 'duplicateShare + malformedShare must not exceed 0.5',
  });

/** Parsed generator options (defaults applied). */
export type GeneratorOptions = z.infer<typeof generatorOptionsSchema>;

/** What callers may pass: any subset, defaults fill the rest. */
export type GeneratorOptionsInput = z.input<typeof generatorOptionsSchema>;

import { beforeAll, describe, expect, it } from 'vitest';
import { ingestFiles } from '../../src/pipeline/ingest-files.js';
import { Prng } from '../../src/sources/generator/prng.js';
import type { Store } from '../../src/stores/store.js';
import { DAY, H, MIN, crm, identify, lifecycle, page, signup } from './identity-lines.js';
import { entered, journeyRows, journeySummaries as journeys, personPipeline as definition, persons, type JourneySummary } from './person-pipeline.js';
import { useTestStore, writeTemp } from './store.js';

/**
 * The worked example of docs/semantics.md ("People") in every arrival order,
 * on its own embedded store. Its shuffles take most of the identity
 * scenarios' run time, so two test files (identity-scenarios-worked-example*)
 * each register some of its tests and vitest runs them in parallel forks;
 * `inTimeOrder` adds the time-ordered test, `pieces` one test of 20 shuffles
 * per piece count.
 */
export function describeWorkedExampleOrders(options: { inTimeOrder: boolean; pieces: readonly number[] }): void {
  describe('the worked example in every arrival order', () => {
    let store: Store;
    useTestStore((opened) => (store = opened));
    // docs/semantics.md, "People", worked example. Day 0 = 2026-10-01.
    const T0 = Date.UTC(2026, 9, 1, 10, 0, 0);
    const lines = [
      page('w1', T0, { anonymousId: 'A' }), // phone, day 0 10:00 (visit)
      identify('w2', T0 + 5 * MIN, { anonymousId: 'A', userId: 'U' }), // link A–U, 10:05
      signup('w3', T0 + 6 * MIN, { anonymousId: 'A', userId: 'U' }), // signup, 10:06 (also A–U)
      page('w4', T0 + DAY - H, { anonymousId: 'B' }), // desktop, day 1 09:00: before its login, within the lookback
      identify('w5', T0 + DAY - 50 * MIN, { anonymousId: 'B', userId: 'U' }), // link B–U, day 1 09:10
      lifecycle('w6', T0 + 2 * DAY, 'lead', { contactId: 'C', userId: 'U' }), // link C–U, day 2 (lead)
      lifecycle('w7', T0 + 2 * DAY + H, 'mql', { contactId: 'C' }), // day 2 11:00 (mql)
      crm('w8', 'deal_stage_changed', T0 + 9 * DAY, { deal: { dealId: 'd1', pipeline: 'sales', to: 'closed_won' } }, { contactId: 'C' }), // day 9 (won)
      crm('w9', 'survey_answered', T0 + 20 * DAY, { survey: { type: 'nps', score: 9 } }, { contactId: 'C' }), // day 20, no stage
    ];
    // One journey u:U from the phone's page (day 0 10:00): staged events visit, signup, visit (desktop), lead, mql, won = 6;
    // furthest stage won (5), converted. The survey has no stage, so it is not a point of the journey.
    const ONE_PERSON: JourneySummary[] = [{ key: 'u:U', start: T0, events: 6, level: 5, converted: 1 }];
    // Devices from their first login minus 30 days; c:C and u:U from 0 (valid_from is greatest(from, 0)).
    const PERSONS = [
      { identifier: 'a:A', fromMs: T0 + 5 * MIN - 30 * DAY, personId: 'u:U' },
      { identifier: 'a:B', fromMs: T0 + DAY - 50 * MIN - 30 * DAY, personId: 'u:U' },
      { identifier: 'c:C', fromMs: 0, personId: 'u:U' },
      { identifier: 'u:U', fromMs: 0, personId: 'u:U' },
    ];
    let reference = '';

    beforeAll(async () => {
      const pipeline = definition('w_ref');
      await ingestFiles(store, pipeline, [writeTemp('ref.ndjson', lines)]);
      reference = await journeyRows(store, 'w_ref');
    }, 120_000);

    if (options.inTimeOrder) {
      it('in time order: one person u:U with every stage', async () => {
        expect(await journeys(store, 'w_ref')).toEqual(ONE_PERSON);
        expect(await persons(store, 'w_ref')).toEqual(PERSONS);
        expect(await entered(store, definition('w_ref'))).toEqual([1, 1, 1, 1, 1]);
      });
    }

    /** Fisher–Yates with the generator's seeded PRNG. */
    function shuffled(seed: number): string[] {
      const prng = new Prng(seed);
      const out = [...lines];
      for (let i = out.length - 1; i > 0; i--) {
        const j = prng.int(0, i);
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    }
    /** `parts` non-empty pieces cut at random points (distinct, sorted). */
    function cut(items: string[], parts: number, seed: number): string[][] {
      const prng = new Prng(seed * 7 + parts);
      const points = new Set<number>();
      while (points.size < parts - 1) points.add(prng.int(1, items.length - 1));
      const sorted = [...points].sort((a, b) => a - b);
      return [0, ...sorted].map((from, i) => items.slice(from, sorted[i] ?? items.length));
    }

    for (const parts of options.pieces) {
      it(`20 shuffles, each cut into ${parts} piece(s): same journeys, persons and funnel`, async () => {
        for (let seed = 1; seed <= 20; seed++) {
          const name = `w_s${seed}_p${parts}`;
          const pipeline = definition(name);
          const pieces = cut(shuffled(seed), parts, seed);
          // Odd seeds: every piece its own run (the next run continues the stored state); even seeds: one run of several files.
          if (seed % 2 === 1) for (const [i, piece] of pieces.entries()) await ingestFiles(store, pipeline, [writeTemp(`${name}_${i}.ndjson`, piece)]);
          else await ingestFiles(store, pipeline, pieces.map((piece, i) => writeTemp(`${name}_${i}.ndjson`, piece)));
          const context = `seed ${seed}, pieces ${JSON.stringify(pieces.map((p) => p.map((l) => JSON.parse(l).messageId ?? JSON.parse(l).id)))}`;
          expect(await journeys(store, name), context).toEqual(ONE_PERSON);
          expect(await journeyRows(store, name), context).toBe(reference);
          expect(await persons(store, name), context).toEqual(PERSONS);
          expect(await entered(store, pipeline), context).toEqual([1, 1, 1, 1, 1]);
        }
      }, 600_000);
    }
  });
}

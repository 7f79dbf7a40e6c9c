import { beforeAll, describe, expect, it } from 'vitest';
import { useTestStore, writeTemp } from '../helpers/store.js';
import { ingestFiles } from '../../src/pipeline/ingest-files.js';
import { Prng } from '../../src/sources/generator/prng.js';
import type { Store } from '../../src/stores/store.js';
import { DAY, H, MIN, identify, page, signup } from '../helpers/identity-lines.js';
import { entered, journeyRows, journeySummaries as journeys, personPipeline as definition, persons, type JourneySummary } from '../helpers/person-pipeline.js';

/**
 * Identity stitching end to end for devices that several people use
 * (docs/semantics.md, "People: identity stitching"): the worked example's
 * shared tablet in every arrival order and a kiosk past identity.maxLinks,
 * through file ingests into the embedded store. Expectations are computed by
 * hand in the comments; stages are visit → signup → lead → mql → won, level
 * person, 90-day journeys (tests/helpers/person-pipeline.ts).
 */
describe('identity scenarios: shared devices (embedded store)', () => {
  let store: Store;
  useTestStore((opened) => (store = opened));

  describe('a shared tablet in every arrival order', () => {
    // The worked example's tablet: a:T where u:U logs in on day 3 and u:V on day 5 (docs/semantics.md, "People").
    const T0 = Date.UTC(2026, 9, 12, 10);
    const lines = [
      page('t1', T0, { anonymousId: 'A' }),
      identify('t2', T0 + 5 * MIN, { anonymousId: 'A', userId: 'U' }),
      page('t3', T0 + 3 * DAY - H, { anonymousId: 'T' }), // before U's login, within the lookback: U's
      identify('t4', T0 + 3 * DAY, { anonymousId: 'T', userId: 'U' }),
      page('t5', T0 + 4 * DAY, { anonymousId: 'T' }), // U is the latest login: U's
      identify('t6', T0 + 5 * DAY, { anonymousId: 'T', userId: 'V' }),
      page('t7', T0 + 5 * DAY + H, { anonymousId: 'T' }), // V's
      signup('t8', T0 + 5 * DAY + 2 * H, { anonymousId: 'T', userId: 'V' }), // V's (by its userId)
    ];
    // T–U joins (day 3); T–V is refused (a second userId): two persons. When T–V arrives first, T is
    // first V's (from day 5 − 30 d); the earlier T–U arriving later must split it again.
    const TWO_PERSONS: JourneySummary[] = [
      { key: 'u:U', start: T0, events: 3, level: 1, converted: 0 },
      { key: 'u:V', start: T0 + 5 * DAY + H, events: 2, level: 2, converted: 0 },
    ];
    const PERSONS = [
      { identifier: 'a:A', fromMs: T0 + 5 * MIN - 30 * DAY, personId: 'u:U' },
      { identifier: 'a:T', fromMs: T0 + 3 * DAY - 30 * DAY, personId: 'u:U' },
      { identifier: 'a:T', fromMs: T0 + 5 * DAY, personId: 'u:V' },
      { identifier: 'u:U', fromMs: 0, personId: 'u:U' },
      { identifier: 'u:V', fromMs: 0, personId: 'u:V' },
    ];

    let reference = '';
    beforeAll(async () => {
      await ingestFiles(store, definition('tab_ref'), [writeTemp('tab.ndjson', lines)]);
      reference = await journeyRows(store, 'tab_ref');
    }, 120_000);

    it('in time order', async () => {
      expect(await journeys(store, 'tab_ref')).toEqual(TWO_PERSONS);
      expect(await persons(store, 'tab_ref')).toEqual(PERSONS);
      // u:U entered visit only; u:V reached signup (and so visit).
      expect(await entered(store, definition('tab_ref'))).toEqual([2, 1, 0, 0, 0]);
    }, 120_000);

    it('backwards, one line per run, and 10 shuffles in 1–3 runs: the same', async () => {
      const orders: string[][][] = [[...lines].reverse().map((line) => [line])];
      for (let seed = 101; seed <= 110; seed++) {
        const prng = new Prng(seed);
        const order = [...lines];
        for (let i = order.length - 1; i > 0; i--) {
          const j = prng.int(0, i);
          [order[i], order[j]] = [order[j]!, order[i]!];
        }
        const parts = 1 + (seed % 3);
        const points = new Set<number>();
        while (points.size < parts - 1) points.add(prng.int(1, order.length - 1));
        const cuts = [0, ...[...points].sort((a, b) => a - b), order.length];
        orders.push(cuts.slice(1).map((to, i) => order.slice(cuts[i], to)));
      }
      for (const [n, runs] of orders.entries()) {
        const name = `tab_${n}`;
        const pipeline = definition(name);
        for (const [i, run] of runs.entries()) await ingestFiles(store, pipeline, [writeTemp(`${name}_${i}.ndjson`, run)]);
        const context = `order ${n}: ${JSON.stringify(runs.map((r) => r.map((l) => JSON.parse(l).messageId)))}`;
        expect(await journeys(store, name), context).toEqual(TWO_PERSONS);
        expect(await journeyRows(store, name), context).toBe(reference);
        expect(await persons(store, name), context).toEqual(PERSONS);
        expect(await entered(store, pipeline), context).toEqual([2, 1, 0, 0, 0]);
      }
    }, 600_000);

    it('identity.site [userId, anonymousId] (events keyed by their userId): the same journeys and persons', async () => {
      const pipeline = definition('tab_site', 'identity: { site: [userId, anonymousId] }');
      await ingestFiles(store, pipeline, [writeTemp('tab_site.ndjson', lines)]);
      // t8 is keyed u:V now, the identify calls u:U / u:V: the person of each event is the same.
      const [keyed] = await store.query<{ key: string }>(`SELECT key FROM events FINAL WHERE pipeline = 'tab_site' AND event_id = 't8'`);
      expect(keyed!.key).toBe('u:V');
      expect(await persons(store, 'tab_site')).toEqual(PERSONS);
      expect(await journeyRows(store, 'tab_site')).toBe(reference);
    }, 120_000);

    it('identity.limits { userId: 2 } in the journey file: U and V are one person u:U', async () => {
      const pipeline = definition('tab_limit2', 'identity: { limits: { userId: 2 } }');
      await ingestFiles(store, pipeline, [writeTemp('tab2.ndjson', lines)]);
      // T–V joins too: one person u:U (u:U < u:V); T's two logins are both u:U's: one segment.
      expect(await persons(store, 'tab_limit2')).toEqual([
        { identifier: 'a:A', fromMs: T0 + 5 * MIN - 30 * DAY, personId: 'u:U' },
        { identifier: 'a:T', fromMs: T0 + 3 * DAY - 30 * DAY, personId: 'u:U' },
        { identifier: 'u:U', fromMs: 0, personId: 'u:U' },
        { identifier: 'u:V', fromMs: 0, personId: 'u:U' },
      ]);
      // Every staged event is u:U's: visits t1, t3, t5, t7 and the signup t8 = 5 events, level 2.
      expect(await journeys(store, 'tab_limit2')).toEqual([{ key: 'u:U', start: T0, events: 5, level: 2, converted: 0 }]);
    }, 120_000);
  });

  it('an anonymousId with more than identity.maxLinks userIds (3) is left out: its events stay its own, the users apart', async () => {
    const pipeline = definition('kiosk', 'identity: { maxLinks: 3 }');
    const T3 = Date.UTC(2026, 10, 10, 10);
    // Run 1: kiosk a:K, users U1, U2, U3 log in at T3, T3 + 1 h, T3 + 2 h (3 links: within maxLinks), each signs up
    // a minute after (userId only). Kiosk pages at T3 − 1 h, T3 + 30 m, T3 + 4 h.
    await ingestFiles(store, pipeline, [
      writeTemp('kiosk1.ndjson', [
        page('k1', T3 - H, { anonymousId: 'K' }),
        page('k2', T3 + 30 * MIN, { anonymousId: 'K' }),
        page('k3', T3 + 4 * H, { anonymousId: 'K' }),
        ...[1, 2, 3].flatMap((i) => [
          identify(`ki${i}`, T3 + (i - 1) * H, { anonymousId: 'K', userId: `U${i}` }),
          signup(`ks${i}`, T3 + (i - 1) * H + MIN, { userId: `U${i}` }),
        ]),
      ]),
    ]);
    // Stitched as a shared device: K joins U1; U2 and U3 are refused (userId limit 1) but split K's timeline:
    // U1 from T3 − 30 d (the pages at T3 − 1 h and T3 + 30 m), U2 from T3 + 1 h, U3 from T3 + 2 h (the page at T3 + 4 h).
    expect(await journeys(store, 'kiosk')).toEqual([
      { key: 'u:U1', start: T3 - H, events: 3, level: 2, converted: 0 },
      { key: 'u:U2', start: T3 + H + MIN, events: 1, level: 2, converted: 0 },
      { key: 'u:U3', start: T3 + 2 * H + MIN, events: 2, level: 2, converted: 0 },
    ]);
    // Run 2, the next day: a fourth user logs in on K (4 links > 3) and signs up; K visits once more.
    // K is left out of stitching: every assignment of it is retired, its 4 pages are its own journey
    // (within 90 days: one, level 1), each user keeps only its own signup.
    await ingestFiles(store, pipeline, [
      writeTemp('kiosk2.ndjson', [
        identify('ki4', T3 + DAY, { anonymousId: 'K', userId: 'U4' }),
        signup('ks4', T3 + DAY + MIN, { userId: 'U4' }),
        page('k4', T3 + DAY + H, { anonymousId: 'K' }),
      ]),
    ]);
    expect(await journeys(store, 'kiosk')).toEqual([
      { key: 'a:K', start: T3 - H, events: 4, level: 1, converted: 0 },
      { key: 'u:U1', start: T3 + MIN, events: 1, level: 2, converted: 0 },
      { key: 'u:U2', start: T3 + H + MIN, events: 1, level: 2, converted: 0 },
      { key: 'u:U3', start: T3 + 2 * H + MIN, events: 1, level: 2, converted: 0 },
      { key: 'u:U4', start: T3 + DAY + MIN, events: 1, level: 2, converted: 0 },
    ]);
    // No assignment of a:K is left; no user belongs to another.
    const assigned = await persons(store, 'kiosk');
    expect(assigned.filter((p) => p.identifier === 'a:K')).toEqual([]);
    for (const p of assigned) expect(p.personId).toBe(p.identifier);
    // Five journeys entered visit (reached mode), four signed up.
    expect(await entered(store, pipeline)).toEqual([5, 4, 0, 0, 0]);
  }, 180_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, writeTemp } from '../helpers/store.js';
import type { CompiledPipeline, RawRecord } from '../../src/pipeline/compiled-pipeline.js';
import { ingestFiles } from '../../src/pipeline/ingest-files.js';
import { JourneyProcessor } from '../../src/pipeline/processor.js';
import { readFunnel } from '../../src/metrics/funnel-reader.js';
import { hashEmail } from '../../src/core/hash.js';
import { Prng } from '../../src/sources/generator/prng.js';
import type { Store } from '../../src/stores/store.js';
import { journeySummaries, personPipeline, type JourneySummary } from '../helpers/person-pipeline.js';

/**
 * Identity stitching end to end (docs/semantics.md, "People: identity
 * stitching", "Person journeys"), through file ingests into the embedded
 * store. Every expectation is computed by hand in the comments; stages are
 * visit (page) → signup (Signed Up) → lead → mql → won (CRM), level person,
 * 90-day journeys, so each person here has one journey.
 */
const MIN = 60_000;
const H = 3_600_000;
const DAY = 24 * H;
const iso = (ms: number) => new Date(ms).toISOString();

const definition = (name: string, identity = '') => personPipeline(name, identity);

/** Lines with fixed ids (the id is the argument `id`), so two pipelines can ingest the very same lines. */
type Ids = { anonymousId?: string; userId?: string };
const page = (id: string, ms: number, ids: Ids, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type: 'page', messageId: id, ...ids, timestamp: iso(ms), name: '/', properties: {}, context: {}, ...extra });
const signup = (id: string, ms: number, ids: Ids, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type: 'track', event: 'Signed Up', messageId: id, ...ids, timestamp: iso(ms), properties: {}, context: {}, ...extra });
const identify = (id: string, ms: number, ids: Ids, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type: 'identify', messageId: id, ...ids, timestamp: iso(ms), context: {}, ...extra });
const alias = (id: string, ms: number, previousId: string, userId: string) => JSON.stringify({ type: 'alias', previousId, userId, messageId: id, timestamp: iso(ms) });
const crm = (id: string, kind: string, ms: number, detail: Record<string, unknown>, ids: Record<string, string>) =>
  JSON.stringify({ source: 'crm', id, kind, occurredAt: iso(ms), ...ids, ...detail });
const lifecycle = (id: string, ms: number, to: string, ids: Record<string, string>) => crm(id, 'lifecycle_stage_changed', ms, { lifecycle: { to } }, ids);

const journeys = journeySummaries;
/** The live journeys whole, without pipeline and version (which legitimately differ between runs). */
const journeyRows = (store: Store, pipeline: string) =>
  store.queryText(
    `SELECT * EXCEPT (pipeline, version) FROM journeys FINAL WHERE pipeline = {pipeline:String} AND is_deleted = 0 ORDER BY key, start, journey_id FORMAT JSONEachRow`,
    { pipeline },
  );
async function persons(store: Store, pipeline: string): Promise<Array<{ identifier: string; fromMs: number; personId: string }>> {
  const rows = await store.query<{ identifier: string; from_ms: number | string; person_id: string }>(
    `SELECT identifier, toUnixTimestamp64Milli(valid_from) AS from_ms, person_id FROM person_of WHERE pipeline = {pipeline:String} ORDER BY identifier, valid_from`,
    { pipeline },
  );
  return rows.map((r) => ({ identifier: r.identifier, fromMs: Number(r.from_ms), personId: r.person_id }));
}
const entered = async (store: Store, pipeline: CompiledPipeline) =>
  (await readFunnel(store, { pipeline: pipeline.name, stageNames: pipeline.stageNames, level: 'person', mode: 'reached', range: {} })).stages.map((s) => s.entered);

describe('identity scenarios (embedded store)', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ store, cleanup } = await openTestStore());
  }, 120_000);
  afterAll(async () => cleanup());

  describe('the worked example in every arrival order', () => {
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

    it('in time order: one person u:U with every stage', async () => {
      expect(await journeys(store, 'w_ref')).toEqual(ONE_PERSON);
      expect(await persons(store, 'w_ref')).toEqual(PERSONS);
      expect(await entered(store, definition('w_ref'))).toEqual([1, 1, 1, 1, 1]);
    });

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

    for (const parts of [1, 2, 3]) {
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

  it('a contact-only person that gets a userId later: the person id changes to u:U, the c:C journey is retired', async () => {
    const pipeline = definition('rename');
    const T5 = Date.UTC(2026, 10, 14, 10);
    // Run 1: contact c:C becomes a lead (T5), device a:P visits (T5 + 1 h) and gives its contact id (CRM activity with anonymousId).
    // One person c:C {a:P, c:C}: lead and visit, level 3 (reached).
    await ingestFiles(store, pipeline, [
      writeTemp('rename1.ndjson', [
        lifecycle('n1', T5, 'lead', { contactId: 'C' }),
        page('n2', T5 + H, { anonymousId: 'P' }),
        crm('n3', 'activity', T5 + 2 * H, { activity: { channel: 'chat', direction: 'inbound' } }, { contactId: 'C', anonymousId: 'P' }),
      ]),
    ]);
    expect(await journeys(store, 'rename')).toEqual([{ key: 'c:C', start: T5, events: 2, level: 3, converted: 0 }]);
    // Run 2: the CRM learns the contact's userId U (an mql record carrying it, T5 + 1 d): link c:C–u:U;
    // a userId comes first, so the person is u:U now, its journey lead, visit, mql = 3 events, level 4.
    await ingestFiles(store, pipeline, [writeTemp('rename2.ndjson', [lifecycle('n4', T5 + DAY, 'mql', { contactId: 'C', userId: 'U' })])]);
    expect(await journeys(store, 'rename')).toEqual([{ key: 'u:U', start: T5, events: 3, level: 4, converted: 0 }]);
    expect((await persons(store, 'rename')).map((p) => `${p.identifier} ${p.personId}`)).toEqual(['a:P u:U', 'c:C u:U', 'u:U u:U']);
    expect(await entered(store, pipeline)).toEqual([1, 1, 1, 1, 0]);
  }, 120_000);

  it('a replayed copy of an identify at an earlier time (a duplicate) does not move the login', async () => {
    const pipeline = definition('copy');
    const L = Date.UTC(2026, 10, 25, 12);
    // Run 1: a:B visits 40 days before it logs in as U (L): the page stays a:B's (lookback 30 d).
    await ingestFiles(store, pipeline, [
      writeTemp('copy1.ndjson', [page('c1', L - 40 * DAY, { anonymousId: 'B' }), identify('c2', L, { anonymousId: 'B', userId: 'U' }), signup('c3', L + MIN, { userId: 'U' })]),
    ]);
    const before = { journeys: await journeys(store, 'copy'), persons: await persons(store, 'copy') };
    expect(before.journeys).toEqual([
      { key: 'a:B', start: L - 40 * DAY, events: 1, level: 1, converted: 0 },
      { key: 'u:U', start: L + MIN, events: 1, level: 2, converted: 0 },
    ]);
    expect(before.persons[0]).toEqual({ identifier: 'a:B', fromMs: L - 30 * DAY, personId: 'u:U' });
    // Run 2: an export replays c2 with another time, 20 days earlier ("a replay may carry any time",
    // docs/semantics.md, Duplicates). The stored c2 (at L) is kept and the copy counts as a duplicate,
    // so no stored event carries B–U before L: the link's first-seen time stays L, nothing changes.
    const summary = await ingestFiles(store, pipeline, [writeTemp('copy2.ndjson', [identify('c2', L - 20 * DAY, { anonymousId: 'B', userId: 'U' })])]);
    expect(summary.duplicates).toBe(1);
    const [stored] = await store.query<{ t: number | string }>(`SELECT toUnixTimestamp64Milli(ts) AS t FROM events FINAL WHERE pipeline = 'copy' AND event_id = 'c2'`);
    expect(Number(stored!.t)).toBe(L);
    expect({ journeys: await journeys(store, 'copy'), persons: await persons(store, 'copy') }).toEqual(before);
  }, 120_000);

  it('an on-time copy of an identify at an earlier time (taken back as a duplicate) does not move the login', async () => {
    const pipeline = definition('copy_ontime');
    const L = Date.UTC(2026, 10, 26, 12);
    // Run 1 ends with the identify at L: the watermark is L − 5 min (allowedLateness).
    await ingestFiles(store, pipeline, [writeTemp('ontime1.ndjson', [page('o1', L - 10 * DAY, { anonymousId: 'B' }), identify('o2', L, { anonymousId: 'B', userId: 'U' })])]);
    expect(await persons(store, 'copy_ontime')).toEqual([
      { identifier: 'a:B', fromMs: L - 30 * DAY, personId: 'u:U' },
      { identifier: 'u:U', fromMs: 0, personId: 'u:U' },
    ]);
    // Run 2: a copy of o2 at L − 3 min, after the watermark: accepted, then found stored at L and taken back
    // (docs/semantics.md, Duplicates). The only stored event carrying B–U is at L: B stays U's from L − 30 d.
    const summary = await ingestFiles(store, pipeline, [writeTemp('ontime2.ndjson', [identify('o2', L - 3 * MIN, { anonymousId: 'B', userId: 'U' })])]);
    expect(summary.duplicates).toBe(1);
    const [stored] = await store.query<{ times: Array<number | string> }>(
      `SELECT groupArray(toUnixTimestamp64Milli(ts)) AS times FROM events FINAL WHERE pipeline = 'copy_ontime' AND event_id = 'o2'`,
    );
    expect(stored!.times.map(Number)).toEqual([L]);
    expect(await persons(store, 'copy_ontime')).toEqual([
      { identifier: 'a:B', fromMs: L - 30 * DAY, personId: 'u:U' },
      { identifier: 'u:U', fromMs: 0, personId: 'u:U' },
    ]);
  }, 120_000);

  it('a copy of an identify on another stream, on time there but 20 days earlier (taken back), does not move the login', async () => {
    const pipeline = definition('copy_stream');
    const L = Date.UTC(2026, 10, 27, 12);
    const records = (lines: string[]): RawRecord[] => lines.map((raw, i) => ({ raw, origin: { kind: 'file', file: 'x', line: i + 1 } }) as RawRecord);
    // Stream kafka/0: a:B visits 40 days before its login as U (L): the page stays a:B's.
    const p0 = await JourneyProcessor.start({ pipeline, store, stream: 'kafka/0', rebuildSettledDays: false });
    await p0.process(records([page('s1', L - 40 * DAY, { anonymousId: 'B' }), identify('s2', L, { anonymousId: 'B', userId: 'U' }), signup('s3', L + MIN, { userId: 'U' })]));
    await p0.finish();
    const before = { journeys: await journeys(store, 'copy_stream'), persons: await persons(store, 'copy_stream') };
    expect(before.persons[0]).toEqual({ identifier: 'a:B', fromMs: L - 30 * DAY, personId: 'u:U' });
    expect(before.journeys.map((j) => j.key)).toEqual(['a:B', 'u:U']);
    // Stream kafka/1 (its own watermark, nothing yet): a copy of s2 at L − 20 d is on time there; the store
    // check finds s2 stored at L and takes the copy back (docs/semantics.md, Duplicates). No stored event
    // carries B–U before L, so nothing changes.
    const p1 = await JourneyProcessor.start({ pipeline, store, stream: 'kafka/1', rebuildSettledDays: false });
    await p1.process(records([identify('s2', L - 20 * DAY, { anonymousId: 'B', userId: 'U' })]));
    const summary = await p1.finish();
    expect(summary.duplicates).toBe(1);
    const [stored] = await store.query<{ times: Array<number | string> }>(
      `SELECT groupArray(toUnixTimestamp64Milli(ts)) AS times FROM events FINAL WHERE pipeline = 'copy_stream' AND event_id = 's2'`,
    );
    expect(stored!.times.map(Number)).toEqual([L]);
    expect({ journeys: await journeys(store, 'copy_stream'), persons: await persons(store, 'copy_stream') }).toEqual(before);
    // A later link of the same person (contact c:C with userId U, L + 2 d) resolves the component again: a:B is
    // still U's from L − 30 d only, its page of L − 40 d still its own.
    const p2 = await JourneyProcessor.start({ pipeline, store, stream: 'kafka/0', rebuildSettledDays: false });
    await p2.process(records([lifecycle('s4', L + 2 * DAY, 'lead', { contactId: 'C', userId: 'U' })]));
    await p2.finish();
    expect(await persons(store, 'copy_stream')).toEqual([
      { identifier: 'a:B', fromMs: L - 30 * DAY, personId: 'u:U' },
      { identifier: 'c:C', fromMs: 0, personId: 'u:U' },
      { identifier: 'u:U', fromMs: 0, personId: 'u:U' },
    ]);
    expect((await journeys(store, 'copy_stream')).map((j) => [j.key, j.events])).toEqual([
      ['a:B', 1],
      ['u:U', 2],
    ]);
    // The link's first-seen time is the earliest time of a stored event carrying the pair: s2 at L.
    const [seen] = await store.query<{ t: number | string }>(
      `SELECT toUnixTimestamp64Milli(min(first_seen)) AS t FROM identity_links WHERE pipeline = 'copy_stream' AND identifier = 'a:B' AND other = 'u:U'`,
    );
    expect(Number(seen!.t)).toBe(L);
  }, 120_000);

  it('a link that merges two persons with journeys: one person, the old journeys retired, nothing counted twice', async () => {
    const pipeline = definition('merge');
    const T1 = Date.UTC(2026, 10, 2, 10);
    // Run 1: u:U signs up (T1) and becomes a lead (T1 + 1 d, contact c:C carrying userId U): journey u:U [T1], 2 events, level 3.
    // Desktop a:B (never logged in yet) visits at T1 − 3 d and T1 + 3 h: journey a:B [T1 − 3 d], 2 events, level 1.
    // Three days apart, so the merged journey starts on another day than u:U's old one: both days' rollups must change.
    await ingestFiles(store, pipeline, [
      writeTemp('merge1.ndjson', [
        page('m1', T1 - 3 * DAY, { anonymousId: 'B' }),
        signup('m2', T1, { userId: 'U' }),
        page('m3', T1 + 3 * H, { anonymousId: 'B' }),
        lifecycle('m4', T1 + DAY, 'lead', { contactId: 'C', userId: 'U' }),
      ]),
    ]);
    expect(await journeys(store, 'merge')).toEqual([
      { key: 'a:B', start: T1 - 3 * DAY, events: 2, level: 1, converted: 0 },
      { key: 'u:U', start: T1, events: 2, level: 3, converted: 0 },
    ]);
    // Two journeys entered visit (reached mode: u:U passed it), one each signup and lead.
    expect(await entered(store, pipeline)).toEqual([2, 1, 1, 0, 0]);

    // Run 2: B logs in as U at T1 + 2 d. B is U's from T1 + 2 d − 30 d, so both of its pages are U's:
    // one journey u:U from T1 − 3 d: visit, signup, visit, lead = 4 events, level 3.
    await ingestFiles(store, pipeline, [writeTemp('merge2.ndjson', [identify('m5', T1 + 2 * DAY, { anonymousId: 'B', userId: 'U' })])]);
    expect(await journeys(store, 'merge')).toEqual([{ key: 'u:U', start: T1 - 3 * DAY, events: 4, level: 3, converted: 0 }]);
    // The funnel (read from the funnel_hourly rollup) counts the merged journey once.
    expect(await entered(store, pipeline)).toEqual([1, 1, 1, 0, 0]);
    // Per start day: the merged journey on T1 − 3 d, nothing left on T1's day (u:U's old journey is gone from it).
    const onDay = async (fromMs: number) =>
      (await readFunnel(store, { pipeline: 'merge', stageNames: pipeline.stageNames, level: 'person', mode: 'reached', range: { fromMs, toMs: fromMs + DAY } })).stages.map((s) => s.entered);
    const day = (ms: number) => Math.floor(ms / DAY) * DAY;
    expect(await onDay(day(T1 - 3 * DAY))).toEqual([1, 1, 1, 0, 0]);
    expect(await onDay(day(T1))).toEqual([0, 0, 0, 0, 0]);
    // Both old journeys got a tombstone: a:B's (its person is gone) and u:U's from T1 (its id was hash(u:U, T1)).
    const history = await store.query<{ key: string; start: number | string; deleted: number }>(
      `SELECT key, toUnixTimestamp64Milli(start) AS start, argMax(is_deleted, version) AS deleted FROM journeys
        WHERE pipeline = 'merge' GROUP BY key, journey_id, start ORDER BY key, start`,
    );
    expect(history.map((r) => ({ key: r.key, start: Number(r.start), deleted: Number(r.deleted) }))).toEqual([
      { key: 'a:B', start: T1 - 3 * DAY, deleted: 1 },
      { key: 'u:U', start: T1 - 3 * DAY, deleted: 0 },
      { key: 'u:U', start: T1, deleted: 1 },
    ]);
  }, 120_000);

  describe('replay of a device before its first login', () => {
    const L = Date.UTC(2026, 10, 20, 12); // the login
    const lines = [
      page('r1', L - 40 * DAY, { anonymousId: 'B' }), // 40 days before the login
      page('r2', L - 10 * DAY, { anonymousId: 'B' }), // 10 days before
      identify('r3', L, { anonymousId: 'B', userId: 'U' }),
      signup('r4', L + MIN, { userId: 'U' }),
    ];

    it('lookback 30 d (default): the page 10 days before joins the person, 40 days before stays the device’s', async () => {
      const pipeline = definition('replay30');
      await ingestFiles(store, pipeline, [writeTemp('replay30.ndjson', lines)]);
      // B is U's from L − 30 d: r2 (L − 10 d) is U's, r1 (L − 40 d) stays a:B.
      expect(await persons(store, 'replay30')).toEqual([
        { identifier: 'a:B', fromMs: L - 30 * DAY, personId: 'u:U' },
        { identifier: 'u:U', fromMs: 0, personId: 'u:U' },
      ]);
      expect(await journeys(store, 'replay30')).toEqual([
        { key: 'a:B', start: L - 40 * DAY, events: 1, level: 1, converted: 0 },
        { key: 'u:U', start: L - 10 * DAY, events: 2, level: 2, converted: 0 },
      ]);
    }, 120_000);

    it('lookback 5 d: both earlier pages stay the device’s', async () => {
      const pipeline = definition('replay5', 'identity: { lookback: 5d }');
      await ingestFiles(store, pipeline, [writeTemp('replay5.ndjson', lines)]);
      // B is U's from L − 5 d: r1 and r2 are a:B's own journey (30 days apart, within 90 days: one journey of 2 visits).
      expect(await persons(store, 'replay5')).toEqual([
        { identifier: 'a:B', fromMs: L - 5 * DAY, personId: 'u:U' },
        { identifier: 'u:U', fromMs: 0, personId: 'u:U' },
      ]);
      expect(await journeys(store, 'replay5')).toEqual([
        { key: 'a:B', start: L - 40 * DAY, events: 2, level: 1, converted: 0 },
        { key: 'u:U', start: L + MIN, events: 1, level: 2, converted: 0 },
      ]);
    }, 120_000);

    it('the login arriving in a later run gives the same', async () => {
      const pipeline = definition('replay30_late');
      await ingestFiles(store, pipeline, [writeTemp('late1.ndjson', [lines[0]!, lines[1]!, lines[3]!])]);
      // Before the login: a:B's two pages are one journey, u:U's signup another.
      expect((await journeys(store, 'replay30_late')).map((j) => [j.key, j.events])).toEqual([
        ['a:B', 2],
        ['u:U', 1],
      ]);
      await ingestFiles(store, pipeline, [writeTemp('late2.ndjson', [lines[2]!])]);
      expect(await journeyRows(store, 'replay30_late')).toBe(await journeyRows(store, 'replay30'));
    }, 120_000);
  });

  it('re-ingesting everything changes nothing (journeys, identity_persons, identity_links)', async () => {
    const pipeline = definition('again');
    const T0 = Date.UTC(2026, 9, 5, 10);
    // The worked example with the shared tablet a:T: U logs in on day 3, V on day 5.
    const lines = [
      page('g1', T0, { anonymousId: 'A' }),
      identify('g2', T0 + 5 * MIN, { anonymousId: 'A', userId: 'U' }),
      page('g3', T0 + DAY - H, { anonymousId: 'B' }),
      identify('g4', T0 + DAY - 50 * MIN, { anonymousId: 'B', userId: 'U' }),
      lifecycle('g5', T0 + 2 * DAY, 'lead', { contactId: 'C', userId: 'U' }),
      page('g6', T0 + 3 * DAY - H, { anonymousId: 'T' }),
      identify('g7', T0 + 3 * DAY, { anonymousId: 'T', userId: 'U' }),
      identify('g8', T0 + 5 * DAY, { anonymousId: 'T', userId: 'V' }),
      page('g9', T0 + 5 * DAY + H, { anonymousId: 'T' }),
    ];
    await ingestFiles(store, pipeline, [writeTemp('again1.ndjson', lines)]);
    // T: U's from day 3 − 30 d (its page at day 3 − 1 h is U's), V's from day 5 (its page at day 5 + 1 h is V's).
    expect(await persons(store, 'again')).toEqual([
      { identifier: 'a:A', fromMs: T0 + 5 * MIN - 30 * DAY, personId: 'u:U' },
      { identifier: 'a:B', fromMs: T0 + DAY - 50 * MIN - 30 * DAY, personId: 'u:U' },
      { identifier: 'a:T', fromMs: T0 + 3 * DAY - 30 * DAY, personId: 'u:U' },
      { identifier: 'a:T', fromMs: T0 + 5 * DAY, personId: 'u:V' },
      { identifier: 'c:C', fromMs: 0, personId: 'u:U' },
      { identifier: 'u:U', fromMs: 0, personId: 'u:U' },
      { identifier: 'u:V', fromMs: 0, personId: 'u:V' },
    ]);
    // u:U: visits day 0, day 1, day 3 − 1 h and the lead = 4 events, level 3; u:V: the visit of day 5 + 1 h.
    expect(await journeys(store, 'again')).toEqual([
      { key: 'u:U', start: T0, events: 4, level: 3, converted: 0 },
      { key: 'u:V', start: T0 + 5 * DAY + H, events: 1, level: 1, converted: 0 },
    ]);
    const snapshot = async () => ({
      journeys: await store.queryText(`SELECT * FROM journeys FINAL WHERE pipeline = 'again' ORDER BY key, start, journey_id FORMAT TSV`),
      persons: await store.queryText(`SELECT * FROM identity_persons FINAL WHERE pipeline = 'again' ORDER BY identifier, from_ms FORMAT TSV`),
      links: await store.queryText(`SELECT * FROM identity_links FINAL WHERE pipeline = 'again' ORDER BY ALL FORMAT TSV`),
      events: await store.queryText(`SELECT count() FROM events FINAL WHERE pipeline = 'again' FORMAT TSV`),
    });
    const before = await snapshot();
    await ingestFiles(store, pipeline, [writeTemp('again2.ndjson', lines)]);
    expect(await snapshot()).toEqual(before);
    // And once more, backwards, in two runs.
    await ingestFiles(store, pipeline, [writeTemp('again3.ndjson', [...lines].reverse().slice(0, 4))]);
    await ingestFiles(store, pipeline, [writeTemp('again4.ndjson', [...lines].reverse().slice(4))]);
    expect(await snapshot()).toEqual(before);
  }, 180_000);

  it('a chain of aliases (Segment alias messages) makes one person, also when the aliases come in a later run', async () => {
    const pipeline = definition('aliases');
    const T2 = Date.UTC(2026, 10, 5, 9);
    // Run 1: device a:D visits and identifies as 1, signs up as 1; user 3 (contact c:C) becomes a lead and visits.
    // Two persons: u:1 {a:D, u:1} and u:3 {c:C, u:3}.
    await ingestFiles(store, pipeline, [
      writeTemp('aliases1.ndjson', [
        page('al1', T2, { anonymousId: 'D' }),
        identify('al2', T2 + MIN, { anonymousId: 'D', userId: '1' }),
        signup('al3', T2 + 2 * MIN, { userId: '1' }),
        lifecycle('al4', T2 + 3 * DAY, 'lead', { contactId: 'C', userId: '3' }),
        page('al5', T2 + 3 * DAY + H, { userId: '3' }),
      ]),
    ]);
    expect(await journeys(store, 'aliases')).toEqual([
      { key: 'u:1', start: T2, events: 2, level: 2, converted: 0 },
      { key: 'u:3', start: T2 + 3 * DAY, events: 2, level: 3, converted: 0 },
    ]);
    // Run 2: alias(previousId 1 → userId 2) on day 1, alias(previousId 2 → userId 3) on day 2: forced links
    // u:2–u:1, u:2–a:1, u:3–u:2, u:3–a:2 join three userIds although the limit is 1. Seen outside an alias:
    // a:D, u:1 (the identify), c:C, u:3 (the CRM record): u:1 < u:3, the person is u:1.
    // One journey u:1 from T2: visit, signup, lead, visit = 4 events, level 3.
    await ingestFiles(store, pipeline, [writeTemp('aliases2.ndjson', [alias('al6', T2 + DAY, '1', '2'), alias('al7', T2 + 2 * DAY, '2', '3')])]);
    expect(await journeys(store, 'aliases')).toEqual([{ key: 'u:1', start: T2, events: 4, level: 3, converted: 0 }]);
    expect(await persons(store, 'aliases')).toEqual([
      { identifier: 'a:1', fromMs: T2 + DAY - 30 * DAY, personId: 'u:1' }, // previousId taken as an anonymousId too
      { identifier: 'a:2', fromMs: T2 + 2 * DAY - 30 * DAY, personId: 'u:1' },
      { identifier: 'a:D', fromMs: T2 + MIN - 30 * DAY, personId: 'u:1' },
      { identifier: 'c:C', fromMs: 0, personId: 'u:1' },
      { identifier: 'u:1', fromMs: 0, personId: 'u:1' },
      { identifier: 'u:2', fromMs: 0, personId: 'u:1' },
      { identifier: 'u:3', fromMs: 0, personId: 'u:1' },
    ]);
    const links = await store.query<{ identifier: string; other: string; forced: number }>(
      `SELECT identifier, other, max(forced) AS forced FROM identity_links WHERE pipeline = 'aliases' AND identifier LIKE 'u:%' AND other IN ('u:1', 'a:1', 'u:2', 'a:2') GROUP BY ALL ORDER BY ALL`,
    );
    expect(links.map((l) => `${l.identifier}–${l.other} ${Number(l.forced)}`)).toEqual(['u:1–u:2 1', 'u:2–a:1 1', 'u:2–u:1 1', 'u:3–a:2 1', 'u:3–u:2 1']);
    expect(await entered(store, pipeline)).toEqual([1, 1, 1, 0, 0]);
  }, 120_000);

  it('identify and alias of one device: the person is the userId, not the previousId taken as a userId', async () => {
    const pipeline = definition('alias_device');
    const T6 = Date.UTC(2026, 10, 16, 9);
    // The usual Segment calls: identify(anonymousId D, userId X), then alias(previousId D → userId X).
    // Links: a:D–u:X (the identify, and forced again by the alias), u:X–u:D (forced: D taken as an old userId).
    // u:X was seen outside an alias (the identify), u:D only in the alias: the person is u:X although u:D < u:X.
    await ingestFiles(store, pipeline, [
      writeTemp('alias_device.ndjson', [
        page('ad1', T6, { anonymousId: 'D' }),
        identify('ad2', T6 + MIN, { anonymousId: 'D', userId: 'X' }),
        alias('ad3', T6 + 2 * MIN, 'D', 'X'),
        signup('ad4', T6 + 3 * MIN, { userId: 'X' }),
      ]),
    ]);
    expect(await persons(store, 'alias_device')).toEqual([
      { identifier: 'a:D', fromMs: T6 + MIN - 30 * DAY, personId: 'u:X' },
      { identifier: 'u:D', fromMs: 0, personId: 'u:X' },
      { identifier: 'u:X', fromMs: 0, personId: 'u:X' },
    ]);
    expect(await journeys(store, 'alias_device')).toEqual([{ key: 'u:X', start: T6, events: 2, level: 2, converted: 0 }]);
  }, 120_000);

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

  describe('email links', () => {
    const T4 = Date.UTC(2026, 10, 12, 10);
    const EMAIL = 'Ann.Lee@Example.com';
    const lines = [
      page('e1', T4, { anonymousId: 'A' }),
      // Segment identify with traits.email: links a:A–e:H.
      identify('e2', T4 + 5 * MIN, { anonymousId: 'A' }, { traits: { email: EMAIL } }),
      // A second device signs up with the email in properties and context.traits: links a:A2–e:H.
      signup('e3', T4 + 2 * H, { anonymousId: 'A2' }, { properties: { email: EMAIL.toLowerCase(), plan: 'pro' }, context: { traits: { email: EMAIL } } }),
      // CRM envelope with contactId and email (other case, trailing space: the same hash): links c:C–e:H.
      lifecycle('e4', T4 + DAY, 'lead', { contactId: 'C', email: `${EMAIL.toUpperCase()} ` }),
      lifecycle('e5', T4 + DAY + H, 'mql', { contactId: 'C' }),
    ];
    const tables = ['events', 'identity_links', 'identity_persons', 'journeys', 'sessions'];
    async function rawEmailIn(pipeline: string): Promise<string[]> {
      const found: string[] = [];
      for (const table of tables) {
        const text = (await store.queryText(`SELECT * FROM ${table} WHERE pipeline = {pipeline:String} FORMAT JSONEachRow`, { pipeline })).toLowerCase();
        if (text.includes('ann.lee@example.com') || text.includes('ann.lee')) found.push(table);
      }
      return found;
    }

    it('with an email salt: one person c:C across two devices and the CRM, the email stored only as its hash', async () => {
      const pipeline = definition('email_salted');
      await ingestFiles(store, pipeline, [writeTemp('email.ndjson', lines)], { emailSalt: 'pepper' });
      const h = `e:${hashEmail('ann.lee@example.com', 'pepper')}`;
      // Links A–H (T4 + 5 m), A2–H (T4 + 2 h), C–H (T4 + 1 d): one person; a contactId before an email: c:C.
      expect(await persons(store, 'email_salted')).toEqual(
        [
          { identifier: 'a:A', fromMs: T4 + 5 * MIN - 30 * DAY, personId: 'c:C' },
          { identifier: 'a:A2', fromMs: T4 + 2 * H - 30 * DAY, personId: 'c:C' },
          { identifier: 'c:C', fromMs: 0, personId: 'c:C' },
          { identifier: h, fromMs: 0, personId: 'c:C' },
        ].sort((x, y) => (x.identifier < y.identifier ? -1 : 1)),
      );
      // One journey: visit, signup, lead, mql = 4 events, level 4.
      expect(await journeys(store, 'email_salted')).toEqual([{ key: 'c:C', start: T4, events: 4, level: 4, converted: 0 }]);
      expect(await rawEmailIn('email_salted')).toEqual([]);
      const [hashes] = await store.query<{ n: number | string }>(`SELECT count() AS n FROM events WHERE pipeline = 'email_salted' AND email_hash = {h:String}`, {
        h: h.slice(2),
      });
      // e2, e3, e4 carry the hash.
      expect(Number(hashes!.n)).toBe(3);
    }, 120_000);

    it('without a salt: no email is read, nothing links, three persons', async () => {
      const pipeline = definition('email_plain');
      await ingestFiles(store, pipeline, [writeTemp('email.ndjson', lines)]);
      expect(await persons(store, 'email_plain')).toEqual([]);
      expect(await journeys(store, 'email_plain')).toEqual([
        { key: 'a:A', start: T4, events: 1, level: 1, converted: 0 },
        { key: 'a:A2', start: T4 + 2 * H, events: 1, level: 2, converted: 0 },
        { key: 'c:C', start: T4 + DAY, events: 2, level: 4, converted: 0 },
      ]);
      expect(await rawEmailIn('email_plain')).toEqual([]);
      const [rows] = await store.query<{ n: number | string }>(`SELECT count() AS n FROM events WHERE pipeline = 'email_plain' AND email_hash != ''`);
      expect(Number(rows!.n)).toBe(0);
    }, 120_000);
  });
});

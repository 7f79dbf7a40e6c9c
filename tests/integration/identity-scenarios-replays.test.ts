import { describe, expect, it } from 'vitest';
import { useTestStore, writeTemp } from '../helpers/store.js';
import type { RawRecord } from '../../src/pipeline/compiled-pipeline.js';
import { ingestFiles } from '../../src/pipeline/ingest-files.js';
import { JourneyProcessor } from '../../src/pipeline/processor.js';
import type { Store } from '../../src/stores/store.js';
import { DAY, H, MIN, identify, lifecycle, page, signup } from '../helpers/identity-lines.js';
import { journeyRows, journeySummaries as journeys, personPipeline as definition, persons } from '../helpers/person-pipeline.js';

/**
 * Identity stitching end to end when links and events come again or late
 * (docs/semantics.md, "People: identity stitching", "Duplicates"): a
 * device's pages before its first login, copies of an identify at other
 * times, re-ingests of everything, through file ingests into the embedded
 * store. Expectations are computed by hand in the comments.
 */
describe('identity scenarios: replays (embedded store)', () => {
  let store: Store;
  useTestStore((opened) => (store = opened));

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
});

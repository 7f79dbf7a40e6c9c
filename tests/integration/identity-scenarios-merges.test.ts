import { describe, expect, it } from 'vitest';
import { useTestStore, writeTemp } from '../helpers/store.js';
import { ingestFiles } from '../../src/pipeline/ingest-files.js';
import { readFunnel } from '../../src/metrics/funnel-reader.js';
import { hashEmail } from '../../src/core/hash.js';
import type { Store } from '../../src/stores/store.js';
import { DAY, H, MIN, alias, crm, identify, lifecycle, page, signup } from '../helpers/identity-lines.js';
import { entered, journeySummaries as journeys, personPipeline as definition, persons } from '../helpers/person-pipeline.js';

/**
 * Identity stitching end to end when persons merge or change id
 * (docs/semantics.md, "People: identity stitching", "Person journeys"): a
 * contact that gets a userId, a link joining two persons' journeys, Segment
 * aliases and email links, through file ingests into the embedded store.
 * Expectations are computed by hand in the comments.
 */
describe('identity scenarios: merges (embedded store)', () => {
  let store: Store;
  useTestStore((opened) => (store = opened));

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

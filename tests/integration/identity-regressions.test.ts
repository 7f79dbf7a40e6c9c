import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, writeTemp } from '../helpers/store.js';
import { personPipeline } from '../helpers/person-pipeline.js';
import { ingestFiles } from '../../src/pipeline/ingest-files.js';
import { refreshIdentities } from '../../src/pipeline/identity-refresh.js';
import { refreshRollups } from '../../src/pipeline/rollup-refresh.js';
import type { Store } from '../../src/stores/store.js';

/** Cases a review found wrong (docs/semantics.md, "People"); each expectation is worked out in its comment. */
const MIN = 60_000;
const H = 60 * MIN;
const DAY = 24 * H;
const T0 = Date.UTC(2026, 9, 1, 10);
const iso = (ms: number) => new Date(ms).toISOString();
type Ids = Record<string, string>;
const page = (id: string, ms: number, ids: Ids) => JSON.stringify({ type: 'page', messageId: id, ...ids, timestamp: iso(ms), name: '/', properties: {}, context: {} });
const signup = (id: string, ms: number, ids: Ids) =>
  JSON.stringify({ type: 'track', event: 'Signed Up', messageId: id, ...ids, timestamp: iso(ms), properties: {}, context: {} });
const identify = (id: string, ms: number, ids: Ids) => JSON.stringify({ type: 'identify', messageId: id, ...ids, timestamp: iso(ms), context: {} });
const crm = (id: string, to: string, ms: number, ids: Ids) =>
  JSON.stringify({ source: 'crm', id, kind: 'lifecycle_stage_changed', occurredAt: iso(ms), ...ids, lifecycle: { to } });

const journeys = (store: Store, pipeline: string) =>
  store
    .query<{ key: string; events: string }>(
      'SELECT key, toString(event_count) AS events FROM journeys FINAL WHERE pipeline = {pipeline:String} AND is_deleted = 0 ORDER BY key, start',
      { pipeline },
    )
    .then((rows) => rows.map((row) => `${row.key} ${row.events}`));
const stagedEventsInJourneys = async (store: Store, pipeline: string) =>
  (await journeys(store, pipeline)).reduce((sum, row) => sum + Number(row.split(' ')[1]), 0);

/** The real store, whose inserts into `table` fail `times` times (a crash at that point). */
function failingInserts(store: Store, table: string, times = 1): Store {
  let left = times;
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'insertCompactRows') {
        return async (t: string, columns: readonly string[], rows: Parameters<Store['insertCompactRows']>[2]) => {
          if (t === table && left > 0) {
            left--;
            throw new Error(`simulated crash before ${table}`);
          }
          return target.insertCompactRows(t, columns, rows);
        };
      }
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describe('identity stitching: regressions', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ store, cleanup } = await openTestStore());
  }, 120_000);
  afterAll(async () => cleanup());

  it('an event keyed by a shared kiosk but carrying a userId stays in that user\'s journey', async () => {
    // maxLinks 2: the third user makes K shared. U3's signup is keyed a:K and stitched by u:U3: 3 staged events
    // (the signup, the page of U3 at home, the page Z) are all in some journey, also after U3 alone is rebuilt.
    const p = personPipeline('kiosk', 'identity: { maxLinks: 2 }');
    await ingestFiles(store, p, [
      writeTemp('a.ndjson', [
        identify('k1', T0, { anonymousId: 'K', userId: 'U1' }),
        identify('k2', T0 + H, { anonymousId: 'K', userId: 'U2' }),
        identify('k3', T0 + 2 * H, { anonymousId: 'K', userId: 'U3' }),
        signup('k4', T0 + 2 * H + MIN, { anonymousId: 'K', userId: 'U3' }),
        page('z1', T0 + 10 * DAY, { anonymousId: 'Z' }),
      ]),
    ]);
    await ingestFiles(store, p, [writeTemp('b.ndjson', [page('k5', T0 + 11 * DAY, { userId: 'U3' })])]);
    expect(await stagedEventsInJourneys(store, 'kiosk')).toBe(3);
  }, 60_000);

  it('a CRM event whose contact belongs to another person than its userId is counted once', async () => {
    // C joins W first (limits: one userId); the MQL event carries C and U, so it is U's (userId first): 4 staged events.
    const p = personPipeline('crm_other');
    await ingestFiles(store, p, [
      writeTemp('a.ndjson', [
        crm('c1', 'lead', T0, { contactId: 'C', userId: 'W' }),
        page('c2', T0 + H, { userId: 'U' }),
        crm('c3', 'mql', T0 + DAY, { contactId: 'C', userId: 'U' }),
      ]),
    ]);
    await ingestFiles(store, p, [writeTemp('b.ndjson', [page('c4', T0 + 3 * DAY, { userId: 'U' })])]);
    expect(await stagedEventsInJourneys(store, 'crm_other')).toBe(4);
    expect(await journeys(store, 'crm_other')).toEqual(['u:U 3', 'u:W 1']);
  }, 60_000);

  it('a crash between the people and the journeys, when a device becomes shared, leaves nothing counted twice', async () => {
    // K logs in as U1 and U2 (its pages are theirs); the third login makes it shared (maxLinks 2): its pages become
    // its own journey a:K, and U1's and U2's journeys lose them, with or without a crash before the journeys.
    const first = [
      identify('k1', T0, { anonymousId: 'K', userId: 'U1' }),
      page('k2', T0 + 30 * MIN, { anonymousId: 'K' }),
      identify('k3', T0 + DAY, { anonymousId: 'K', userId: 'U2' }),
      page('k4', T0 + DAY + 30 * MIN, { anonymousId: 'K' }),
    ];
    const third = [identify('k5', T0 + 2 * DAY, { anonymousId: 'K', userId: 'U3' })];
    const reference = personPipeline('shared_ref', 'identity: { maxLinks: 2 }');
    await ingestFiles(store, reference, [writeTemp('a.ndjson', first)]);
    await ingestFiles(store, reference, [writeTemp('b.ndjson', third)]);
    expect(await journeys(store, 'shared_ref')).toEqual(['a:K 2']);
    const crashed = personPipeline('shared_crash', 'identity: { maxLinks: 2 }');
    await ingestFiles(store, crashed, [writeTemp('a.ndjson', first)]);
    await expect(ingestFiles(failingInserts(store, 'journeys'), crashed, [writeTemp('b.ndjson', third)])).rejects.toThrow(/simulated/);
    await refreshRollups(store, { pipeline: crashed, days: [T0 + 2 * DAY], watermarkMs: T0 + 2 * DAY });
    expect(await journeys(store, 'shared_crash')).toEqual(['a:K 2']);
  }, 60_000);

  it('a person\'s own devices do not make it shared: maxLinks counts users, contacts and emails', async () => {
    // maxLinks 3: U has 3 devices and a contact, 4 links, but one link to a non-device identifier. One person u:U.
    const p = personPipeline('own_devices', 'identity: { maxLinks: 3 }');
    await ingestFiles(store, p, [
      writeTemp('a.ndjson', [
        page('d1', T0, { anonymousId: 'D1' }),
        identify('d2', T0 + MIN, { anonymousId: 'D1', userId: 'U' }),
        identify('d3', T0 + DAY, { anonymousId: 'D2', userId: 'U' }),
        crm('d4', 'lead', T0 + 2 * DAY, { contactId: 'C', userId: 'U' }),
        identify('d5', T0 + 3 * DAY, { anonymousId: 'D3', userId: 'U' }),
      ]),
    ]);
    expect(await journeys(store, 'own_devices')).toEqual(['u:U 2']);
  }, 60_000);

  it('two logins of one device at the same millisecond make one assignment, and a second refresh writes nothing', async () => {
    // The MQL event carries C (already W's), U and device A: the device's login at T0 is U's (userId before contactId).
    const p = personPipeline('same_ms', 'identity: { lookback: 0d }');
    await ingestFiles(store, p, [
      writeTemp('a.ndjson', [
        crm('s0', 'lead', T0 - DAY, { contactId: 'C', userId: 'W' }),
        crm('s1', 'mql', T0, { contactId: 'C', userId: 'U', anonymousId: 'A' }),
        page('s2', T0 + H, { anonymousId: 'A' }),
      ]),
    ]);
    const rows = await store.query<{ person_id: string; n: string }>(
      "SELECT person_id, toString(count()) AS n FROM identity_persons FINAL WHERE pipeline = 'same_ms' AND identifier = 'a:A' AND is_deleted = 0 GROUP BY person_id",
    );
    expect(rows).toEqual([{ person_id: 'u:U', n: '1' }]);
    expect((await refreshIdentities(store, { pipeline: p, days: [T0] })).written).toBe(0);
  }, 60_000);
});

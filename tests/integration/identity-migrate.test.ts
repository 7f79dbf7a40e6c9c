import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, writeTemp } from '../helpers/store.js';
import { parseDefinition } from '../../src/journey/load-definition.js';
import { compilePipeline } from '../../src/pipeline/compiled-pipeline.js';
import { ingestFiles } from '../../src/pipeline/ingest-files.js';
import { inspectStore, needsRebuild, rebuildStore } from '../../src/pipeline/rebuild-store.js';
import type { Store } from '../../src/stores/store.js';

const T0 = Date.UTC(2026, 9, 1, 10, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();
const STAGES = `
stages:
  - name: visit
    match: [{ type: page }]
  - name: buy
    match: [{ event: Order Completed }]
funnel: { level: person }
`;

let n = 0;
const segment = (type: string, ms: number, ids: Record<string, string>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type, messageId: `m${++n}`, ...ids, timestamp: iso(ms), properties: {}, context: {}, ...extra });

const liveJourneys = (store: Store, pipeline: string) =>
  store.query<{ key: string; event_count: number | string }>(
    `SELECT key, event_count FROM journeys FINAL WHERE pipeline = {pipeline:String} AND is_deleted = 0 ORDER BY key`,
    { pipeline },
  );

describe('stores written before identity stitching, and CSV identifier columns', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ store, cleanup } = await openTestStore());
  }, 60_000);
  afterAll(async () => cleanup());

  it('journeys migrate derives the links from the stored events and rebuilds the journeys per person', async () => {
    const pipeline = compilePipeline(parseDefinition(`name: old_store\n${STAGES}`, 'old_store.yaml'));
    // Phone P browses; desktop D logs in as U and buys a day later.
    await ingestFiles(store, pipeline, [
      writeTemp('in.ndjson', [
        segment('page', T0, { anonymousId: 'P' }, { name: '/' }),
        segment('identify', T0 + 60_000, { anonymousId: 'P', userId: 'U' }),
        segment('page', T0 + 86_400_000, { anonymousId: 'D' }, { name: '/' }),
        segment('track', T0 + 86_400_000 + 60_000, { anonymousId: 'D', userId: 'U' }, { event: 'Order Completed' }),
      ]),
    ]);
    const stitched = await liveJourneys(store, 'old_store');
    expect(stitched.map((j) => [j.key, Number(j.event_count)])).toEqual([['u:U', 3]]);
    // As an earlier version left it: no links, no assignments, journeys per identity key, rollups under the old level name.
    await store.command(`ALTER TABLE identity_links DELETE WHERE pipeline = 'old_store'`);
    await store.command(`ALTER TABLE identity_persons DELETE WHERE pipeline = 'old_store'`);
    await store.command(`ALTER TABLE journeys DELETE WHERE pipeline = 'old_store'`);
    await store.command(`INSERT INTO funnel_hourly (pipeline, level, mode, hour) VALUES ('old_store', 'journey', 'reached', '2026-10-01 10:00:00')`);
    const state = (await inspectStore(store)).find((s) => s.pipeline === 'old_store')!;
    expect(state.unstitched).toBe(true);
    expect(needsRebuild(state)).toBe('rollups');
    await rebuildStore(store, pipeline, { sessions: false });
    expect(await liveJourneys(store, 'old_store')).toEqual(stitched);
    const old = await store.query<{ n: number | string }>(`SELECT count() AS n FROM funnel_hourly WHERE pipeline = 'old_store' AND level = 'journey'`);
    expect(Number(old[0]!.n)).toBe(0);
    expect(needsRebuild((await inspectStore(store)).find((s) => s.pipeline === 'old_store')!)).toBeUndefined();
  }, 60_000);

  it('links the identifier columns of a CSV row and keeps its email only as a salted hash', async () => {
    const pipeline = compilePipeline(
      parseDefinition(
        `name: csv_ids
${STAGES}
csv:
  timestamp: time
  event: event
  key: visitor
  keyKind: anonymousId
  identifiers: { userId: user, email: mail }
`,
        'csv_ids.yaml',
      ),
    );
    const csv = writeTemp('in.csv', [
      'time,event,visitor,user,mail',
      `${iso(T0)},page,V1,,`,
      `${iso(T0 + 60_000)},Signed In,V1,U7,Jane@Example.com`,
      `${iso(T0 + 86_400_000)},Order Completed,V2,U7,`,
    ]);
    await ingestFiles(store, pipeline, [csv], { emailSalt: 'pepper' });
    const links = await store.query<{ identifier: string; other: string }>(
      `SELECT DISTINCT identifier, other FROM identity_links WHERE pipeline = 'csv_ids' AND identifier < other ORDER BY identifier, other`,
    );
    expect(links.map((l) => `${l.identifier} ${l.other}`)).toEqual([
      'a:V1 e:' + (await import('../../src/core/hash.js')).hashEmail('jane@example.com', 'pepper'),
      'a:V1 u:U7',
      'a:V2 u:U7',
      expect.stringMatching(/^e:[0-9a-f]{64} u:U7$/),
    ].sort((a, b) => String(a).localeCompare(String(b))));
    for (const table of ['events', 'identity_links', 'identity_persons', 'journeys', 'sessions']) {
      const text = await store.queryText(`SELECT * FROM ${table} FORMAT TSV`);
      expect(text.toLowerCase()).not.toContain('jane@example.com');
    }
  }, 60_000);
});

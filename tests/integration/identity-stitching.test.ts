import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, writeTemp } from '../helpers/store.js';
import { personPipeline } from '../helpers/person-pipeline.js';
import type { CompiledPipeline } from '../../src/pipeline/compiled-pipeline.js';
import { ingestFiles } from '../../src/pipeline/ingest-files.js';
import { JourneyProcessor } from '../../src/pipeline/processor.js';
import { readFunnel } from '../../src/metrics/funnel-reader.js';
import type { Store } from '../../src/stores/store.js';
import type { RawRecord } from '../../src/pipeline/compiled-pipeline.js';

/**
 * The person of docs/semantics.md ("People", worked example): phone a:A
 * identifies as u:U, desktop a:B logs in as u:U a day later, CRM contact c:C
 * carries userId U. One person u:U, whatever order events and links arrive in.
 */
const H = 3_600_000;
const DAY = 24 * H;
const T0 = Date.UTC(2026, 9, 1, 10, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

const definition = (name: string) => personPipeline(name);

let n = 0;
const segment = (type: string, ms: number, ids: { anonymousId?: string; userId?: string }, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type, messageId: `s${++n}`, ...ids, timestamp: iso(ms), properties: {}, context: {}, ...extra });
const crm = (kind: string, ms: number, detail: Record<string, unknown>, ids: Record<string, string>) =>
  JSON.stringify({ source: 'crm', id: `crm${++n}`, kind, occurredAt: iso(ms), ...ids, ...detail });

/** The person's events, each a line; the identify calls are the links. */
function personEvents(): { events: string[]; links: string[] } {
  const events = [
    segment('page', T0, { anonymousId: 'A' }, { name: '/pricing' }),
    segment('track', T0 + 6 * 60_000, { anonymousId: 'A', userId: 'U' }, { event: 'Signed Up' }),
    segment('page', T0 + DAY - H, { anonymousId: 'B' }, { name: '/docs' }),
    crm('lifecycle_stage_changed', T0 + 2 * DAY, { lifecycle: { from: 'subscriber', to: 'lead' } }, { contactId: 'C', userId: 'U' }),
    crm('lifecycle_stage_changed', T0 + 2 * DAY + H, { lifecycle: { from: 'lead', to: 'mql' } }, { contactId: 'C' }),
    crm('deal_stage_changed', T0 + 9 * DAY, { deal: { dealId: 'd1', pipeline: 'sales', to: 'closed_won' } }, { contactId: 'C' }),
    crm('survey_answered', T0 + 20 * DAY, { survey: { type: 'nps', score: 9 } }, { contactId: 'C' }),
  ];
  const links = [
    segment('identify', T0 + 5 * 60_000, { anonymousId: 'A', userId: 'U' }),
    segment('identify', T0 + DAY - 50 * 60_000, { anonymousId: 'B', userId: 'U' }),
  ];
  return { events, links };
}

interface JourneyRow {
  key: string;
  event_count: number;
  level: number;
  converted: number;
}
const journeys = (store: Store, pipeline: string) =>
  store.query<JourneyRow>(
    `SELECT key, event_count, funnel_levels[indexOf(funnel_modes, 'reached')] AS level, converted
       FROM journeys FINAL WHERE pipeline = {pipeline:String} AND is_deleted = 0 ORDER BY key, start`,
    { pipeline },
  );
const persons = (store: Store, pipeline: string) =>
  store.query<{ identifier: string; person_id: string }>(
    `SELECT identifier, person_id FROM person_of WHERE pipeline = {pipeline:String} ORDER BY identifier, valid_from`,
    { pipeline },
  );

const ONE_PERSON = [{ key: 'u:U', event_count: 6, level: 5, converted: 1 }];

describe('identity stitching: one person across devices and the CRM', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ store, cleanup } = await openTestStore());
  }, 60_000);
  afterAll(async () => cleanup());

  it('makes one person u:U with every stage, in one file in time order', async () => {
    const pipeline = definition('p_inorder');
    const { events, links } = personEvents();
    await ingestFiles(store, pipeline, [writeTemp('in.ndjson', [...events.slice(0, 1), links[0]!, ...events.slice(1, 3), links[1]!, ...events.slice(3)])]);
    expect((await journeys(store, 'p_inorder')).map((r) => ({ ...r, event_count: Number(r.event_count) }))).toEqual(ONE_PERSON);
    expect(await persons(store, 'p_inorder')).toEqual([
      { identifier: 'a:A', person_id: 'u:U' },
      { identifier: 'a:B', person_id: 'u:U' },
      { identifier: 'c:C', person_id: 'u:U' },
      { identifier: 'u:U', person_id: 'u:U' },
    ]);
    const funnel = await readFunnel(store, { pipeline: pipeline.name, stageNames: pipeline.stageNames, level: 'person', mode: 'reached', range: {} });
    expect(funnel.stages.map((s) => s.entered)).toEqual([1, 1, 1, 1, 1]);
  }, 60_000);

  it('gives the same person when the links arrive last, in a later run', async () => {
    const pipeline = definition('p_linkslast');
    const { events, links } = personEvents();
    await ingestFiles(store, pipeline, [writeTemp('events.ndjson', [...events].reverse())]);
    // Before the identify calls: the signup (A with U) and the lead (C with U) link A, U and C; the desktop is its own person.
    expect((await journeys(store, 'p_linkslast')).map((r) => r.key)).toEqual(['a:B', 'u:U']);
    await ingestFiles(store, pipeline, [writeTemp('links.ndjson', links)]);
    expect((await journeys(store, 'p_linkslast')).map((r) => ({ ...r, event_count: Number(r.event_count) }))).toEqual(ONE_PERSON);
    const funnel = await readFunnel(store, { pipeline: pipeline.name, stageNames: pipeline.stageNames, level: 'person', mode: 'reached', range: {} });
    expect(funnel.stages.map((s) => s.entered)).toEqual([1, 1, 1, 1, 1]);
    // Re-ingesting everything changes nothing.
    const before = await store.queryText(`SELECT * FROM journeys FINAL WHERE pipeline = 'p_linkslast' AND is_deleted = 0 ORDER BY journey_id FORMAT TSV`);
    await ingestFiles(store, pipeline, [writeTemp('again.ndjson', [...events, ...links])]);
    expect(await store.queryText(`SELECT * FROM journeys FINAL WHERE pipeline = 'p_linkslast' AND is_deleted = 0 ORDER BY journey_id FORMAT TSV`)).toBe(before);
  }, 60_000);

  it('joins links written on another stream (another Kafka partition) to the events of this one', async () => {
    const pipeline = definition('p_streams');
    const { events, links } = personEvents();
    const records = (lines: string[]): RawRecord[] => lines.map((raw, i) => ({ raw, origin: { kind: 'file', file: 'x', line: i + 1 } }) as RawRecord);
    const p0 = await JourneyProcessor.start({ pipeline, store, stream: 'kafka/0', rebuildSettledDays: false });
    await p0.process(records(events));
    await p0.finish();
    const p1 = await JourneyProcessor.start({ pipeline, store, stream: 'kafka/1', rebuildSettledDays: false });
    await p1.process(records(links));
    await p1.finish();
    expect((await journeys(store, 'p_streams')).map((r) => ({ ...r, event_count: Number(r.event_count) }))).toEqual(ONE_PERSON);
  }, 60_000);

  it('splits a shared device at each login and keeps the two people apart', async () => {
    const pipeline = definition('p_shared');
    const lines = [
      segment('page', T0, { anonymousId: 'T' }, { name: '/' }),
      segment('identify', T0 + H, { anonymousId: 'T', userId: 'U' }),
      segment('track', T0 + H + 60_000, { anonymousId: 'T', userId: 'U' }, { event: 'Signed Up' }),
      segment('page', T0 + 2 * DAY, { anonymousId: 'T' }, { name: '/' }),
      segment('identify', T0 + 2 * DAY + H, { anonymousId: 'T', userId: 'V' }),
      segment('page', T0 + 2 * DAY + 2 * H, { anonymousId: 'T' }, { name: '/docs' }),
    ];
    await ingestFiles(store, pipeline, [writeTemp('shared.ndjson', lines)]);
    // U: the page before the first login (lookback) and the signup; V: the pages from V's login on.
    // The page of day 2 00:00+10h precedes V's login: it is U's (U was the device's latest login).
    expect((await journeys(store, 'p_shared')).map((r) => ({ key: r.key, events: Number(r.event_count), level: r.level }))).toEqual([
      { key: 'u:U', events: 3, level: 2 },
      { key: 'u:V', events: 1, level: 1 },
    ]);
  }, 60_000);
});

export type { CompiledPipeline };

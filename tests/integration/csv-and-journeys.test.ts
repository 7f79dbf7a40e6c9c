import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, writeTemp } from '../helpers/store.js';
import { at, page, track } from '../helpers/segment.js';
import { loadDefinition } from '../../src/journey/load-definition.js';
import { compilePipeline } from '../../src/pipeline/compiled-pipeline.js';
import { ingestFiles } from '../../src/pipeline/ingest-files.js';
import { readFunnel } from '../../src/metrics/funnel-reader.js';
import type { Store } from '../../src/stores/store.js';

describe('CSV ingest (REES46 layout) and person-level journeys', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ store, cleanup } = await openTestStore()));
  afterAll(async () => cleanup());

  it('maps the REES46 columns, splits 30-minute sessions and dead-letters bad rows', async () => {
    const pipeline = compilePipeline(loadDefinition('rees46', { pipelinesDir: 'pipelines' }).definition);
    const summary = await ingestFiles(store, pipeline, ['tests/fixtures/rees46-sample.csv']);
    // 14 rows: 1 exact duplicate row, 4 bad rows (empty user_id, wrong column count, bad time, price "12.5O").
    expect(summary).toEqual({ read: 14, valid: 9, duplicates: 1, dead_lettered: 4, sessions: 5 });
    const sessions = await store.query<{ key: string; event_count: number; ordered_level: number; source_session_id: string }>(
      "SELECT key, event_count, funnel_levels[indexOf(funnel_modes, 'ordered')] AS ordered_level, source_session_id FROM sessions FINAL WHERE pipeline = 'rees46' ORDER BY key, start",
    );
    expect(sessions.map((s) => [s.key, s.event_count, s.ordered_level])).toEqual([
      ['u:535871217', 1, 1],
      ['u:541312140', 3, 3], // view 00:00, cart 00:03, purchase 00:10
      ['u:550050854', 1, 1], // the same row twice: one event
      ['u:554748717', 3, 2],
      ['u:554748717', 1, 1],
    ]);
    const bob = sessions.filter((s) => s.key === 'u:554748717');
    // 00:02:10 view, 00:30 view, 00:31 cart (gaps 27m50s, 1m) → one session; 01:05 view (34 min later) → a second.
    expect(bob.map((s) => [s.event_count, s.ordered_level])).toEqual([
      [3, 2],
      [1, 1],
    ]);
    expect(bob[0]!.source_session_id).toBe('9333dfbd-b87a-4708-9857-6336556b0fcc');
    const reasons = await store.query<{ origin: string; reason: string }>("SELECT origin, reason FROM dead_letters FINAL WHERE pipeline = 'rees46' ORDER BY origin");
    // Origins name the file by its real path, however it was given.
    expect(reasons.map((r) => r.origin)).toEqual([11, 12, 13, 15].map((line) => `${resolve('tests/fixtures/rees46-sample.csv')}:${line}`));
    expect(reasons[0]!.reason).toBe('invalid CSV row: user_id: required');
    expect(reasons[1]!.reason).toMatch(/expected 9 columns/);
    expect(reasons[2]!.reason).toMatch(/no usable event time/);
    expect(reasons[3]!.reason).toMatch(/price: expected a number/);
    const funnel = await readFunnel(store, { pipeline: 'rees46', stageNames: pipeline.stageNames, level: 'session', mode: 'ordered', range: {} });
    expect(funnel.stages.map((s) => [s.stage, s.entered, s.advanced])).toEqual([
      ['view', 5, 2],
      ['cart', 2, 1],
      ['purchase', 1, null],
    ]);
    // Ordered mode times the chain that got furthest: a view restarts the chain, so 554748717's cart
    // (00:31) is timed from the view at 00:30: 1 min; 541312140: 3 min. Median 2 min; p90 = 60 + 0.9 × 120 s.
    expect(funnel.stages[0]).toMatchObject({ median_time_to_next_ms: 120_000, p90_time_to_next_ms: 168_000 });
    // Reached mode times from the first event of a stage: view → cart 3 min and 28 min 50 s
    // (first view 00:02:10, cart 00:31). Median 955 s; p90 = 180 + 0.9 × 1550 s.
    const reached = await readFunnel(store, { pipeline: 'rees46', stageNames: pipeline.stageNames, level: 'session', mode: 'reached', range: {} });
    expect(reached.stages[0]).toMatchObject({ entered: 5, skipped: 0, advanced: 2, median_time_to_next_ms: 955_000, p90_time_to_next_ms: 1_575_000 });
  });

  it('reads the REES46 cosmetics layout without category_id, and dead-letters bad quotes and empty keys row by row', async () => {
    // Before: every row was dead-lettered ("category_id: expected string, received undefined"), and the bad quote aborted the run.
    const definition = loadDefinition('rees46', { pipelinesDir: 'pipelines' }).definition;
    const pipeline = compilePipeline({ ...definition, name: 'rees46_cosmetics' });
    const file = resolve('tests/fixtures/rees46-cosmetics-no-category.csv');
    const warnings: string[] = [];
    const summary = await ingestFiles(store, pipeline, [file], { onWarning: (message) => warnings.push(message) });
    expect(warnings).toEqual([`${file}: the CSV header has no column category_id; it is optional in the csv mapping and read as empty`]);
    expect(summary).toMatchObject({ read: 9, valid: 6, duplicates: 0, dead_lettered: 3, sessions: 3 });
    const letters = await store.query<{ origin: string; reason: string; raw: string }>(
      "SELECT origin, reason, raw FROM dead_letters FINAL WHERE pipeline = 'rees46_cosmetics' ORDER BY origin",
    );
    expect(letters.map((l) => [l.origin, l.reason])).toEqual([
      [`${file}:7`, 'not valid CSV: a quote inside unquoted field 5'],
      [`${file}:8`, 'not valid CSV: the quoted field opened on line 8 is not closed before the end of the input'],
      [`${file}:9`, 'invalid CSV row: user_id: required'],
    ]);
    expect(letters[0]!.raw).toBe('2019-12-01 00:03:00 UTC,cart,57,,ab"c,1.00,377138006,d1fdcbf1-bb1f-434b-8f1a-4b77f29a84a0');
    const events = await store.query<{ key: string; properties: string }>(
      "SELECT key, properties FROM events FINAL WHERE pipeline = 'rees46_cosmetics' ORDER BY ts",
    );
    expect(events.map((e) => e.key)).toEqual(['u:463240011', 'u:463240011', 'u:377138006', 'u:377138006', 'u:463240011', 'u:555555555']);
    expect(JSON.parse(events[0]!.properties)).toMatchObject({ category_id: '', brand: 'runail' });
    expect(JSON.parse(events[3]!.properties)).toMatchObject({ brand: 'kapous, "pro"' });
  });

  it('refuses a run whose CSV lacks a required column before anything is written, naming the column and the file', async () => {
    const definition = loadDefinition('rees46', { pipelinesDir: 'pipelines' }).definition;
    const pipeline = compilePipeline({ ...definition, name: 'rees46_no_price' });
    const noPrice = writeTemp('no-price.csv', [
      'event_time,event_type,product_id,category_id,category_code,brand,user_id,user_session',
      '2019-10-01 00:00:00 UTC,view,1,2,,b,7,s',
    ]);
    // The good file comes first: its rows must not be written either.
    const run = ingestFiles(store, pipeline, ['tests/fixtures/rees46-cosmetics-no-category.csv', noPrice], { onWarning: () => {} });
    await expect(run).rejects.toThrow(`${noPrice}: the CSV header has no column price, which the csv mapping requires`);
    const [written] = await store.query<{ events: string; letters: string }>(
      "SELECT (SELECT count() FROM events WHERE pipeline = 'rees46_no_price') AS events, (SELECT count() FROM dead_letters WHERE pipeline = 'rees46_no_price') AS letters",
    );
    expect(written).toEqual({ events: 0, letters: 0 });
  });

  it('--level person follows one person across sessions within the journey window; the next staged event after it starts the next journey', async () => {
    const definition = loadDefinition('ecommerce', { pipelinesDir: 'pipelines' }).definition;
    const pipeline = compilePipeline({ ...definition, name: 'journey_case' });
    const day = 24 * 60;
    const file = writeTemp('journeys.ndjson', [
      // ann: page + view on day 0; back on day 2 (new session): add, checkout, order → converts within 7 days.
      page('/', { anonymousId: 'ann', at: at(0) }),
      track('Products Searched', { anonymousId: 'ann', at: at(1) }),
      track('Product Viewed', { anonymousId: 'ann', at: at(2) }),
      track('Product Added', { anonymousId: 'ann', at: at(2 * day) }),
      track('Checkout Started', { anonymousId: 'ann', at: at(2 * day + 3) }),
      track('Order Completed', { anonymousId: 'ann', at: at(2 * day + 5) }),
      // ben: same path but adds to the cart 8 days after the first page: outside the 7-day window, so
      // cart, checkout and order are a second journey (which starts at cart).
      page('/', { anonymousId: 'ben', at: at(0) }),
      track('Products Searched', { anonymousId: 'ben', at: at(1) }),
      track('Product Viewed', { anonymousId: 'ben', at: at(2) }),
      track('Product Added', { anonymousId: 'ben', at: at(8 * day) }),
      track('Checkout Started', { anonymousId: 'ben', at: at(8 * day + 1) }),
      track('Order Completed', { anonymousId: 'ben', at: at(8 * day + 2) }),
    ]);
    await ingestFiles(store, pipeline, [file]);
    const funnel = (level: 'session' | 'person', mode: 'ordered' | 'reached') =>
      readFunnel(store, { pipeline: 'journey_case', stageNames: pipeline.stageNames, level, mode, range: {} });
    const sessions = await funnel('session', 'ordered');
    // Per session the returning visits start at cart without a page view: ordered level 0.
    expect(sessions.stages.slice(0, 6).map((s) => s.entered)).toEqual([2, 2, 2, 0, 0, 0]);
    const journeys = await funnel('person', 'ordered');
    expect(journeys.level).toBe('person');
    // ann's one journey gets to purchase; ben's first stops at consideration, his second starts at cart: level 0.
    expect(journeys.stages.slice(0, 7).map((s) => [s.stage, s.entered, s.skipped, s.advanced])).toEqual([
      ['awareness', 2, 0, 2],
      ['interest', 2, 0, 2],
      ['consideration', 2, 0, 1],
      ['cart', 1, 0, 1],
      ['checkout', 1, 0, 1],
      ['purchase', 1, 0, 0],
      ['retention', 0, 0, 0],
    ]);
    // ann: consideration (minute 2) → cart (2 days later) = 2 days − 2 min.
    expect(journeys.stages[2]!.median_time_to_next_ms).toBe(2 * day * 60_000 - 2 * 60_000);
    // Reached mode: ben's second journey enters awareness, interest and consideration as skipped.
    const reached = await funnel('person', 'reached');
    expect(reached.stages.slice(0, 7).map((s) => [s.stage, s.entered, s.skipped, s.advanced, s.dropped])).toEqual([
      ['awareness', 3, 1, 2, 0],
      ['interest', 3, 1, 2, 0],
      ['consideration', 3, 1, 1, 1], // ben's first journey ends here
      ['cart', 2, 0, 2, 0],
      ['checkout', 2, 0, 2, 0],
      ['purchase', 2, 0, 0, 2],
      ['retention', 0, 0, 0, 0],
    ]);
    expect(reached.stages[2]!.conversion_to_next).toBe(0.5);
  });
});

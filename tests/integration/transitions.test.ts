import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, writeTemp } from '../helpers/store.js';
import { at, BASE_MS, page, track } from '../helpers/segment.js';
import { loadDefinition } from '../../src/journey/load-definition.js';
import { compilePipeline, type CompiledPipeline } from '../../src/pipeline/compiled-pipeline.js';
import { ingestFiles } from '../../src/pipeline/ingest-files.js';
import { bindParams, loadNamedQuery } from '../../src/stores/query-catalog.js';
import { readSql } from '../../src/stores/sql-files.js';
import { toClickHouseDateTime } from '../../src/stores/datetime.js';
import { DAY_MS } from '../../src/pipeline/rollup-refresh.js';
import type { Store } from '../../src/stores/store.js';

/**
 * Progress moves (stage_transitions_hourly, sql/queries/stage_transitions.sql)
 * and touchpoint steps (touchpoint_transitions_hourly,
 * sql/queries/touchpoint_paths.sql) on hand-made sessions (minutes after
 * 10:00 on 2026-11-02; ecommerce stages awareness 1, interest 2,
 * consideration 3, cart 4, checkout 5):
 *   a: /, Products Searched, /, Products Searched, Product Viewed
 *      → stages a, b, a, b, c: moves (entry) → awareness → interest → consideration → (exit)
 *   b: /, Products Searched, Product Added, /products/123, /products/456, Checkout Started
 *      → back to browsing after the cart: no cart → awareness; interest → cart skips consideration
 *   c: /products/456?utm_source=mail, /products/123, Product Viewed
 *      → awareness → consideration skips interest; its touchpoints are /products/:id, Product Viewed
 *   z: / at 20:00 (moves the watermark past the others)
 */
const HAND = [
  page('/', { anonymousId: 'a', at: at(0) }),
  track('Products Searched', { anonymousId: 'a', at: at(1) }),
  page('/', { anonymousId: 'a', at: at(2) }),
  track('Products Searched', { anonymousId: 'a', at: at(3) }),
  track('Product Viewed', { anonymousId: 'a', at: at(4) }),
  page('/', { anonymousId: 'b', at: at(0) }),
  track('Products Searched', { anonymousId: 'b', at: at(1) }),
  track('Product Added', { anonymousId: 'b', at: at(2) }),
  page('/products/123', { anonymousId: 'b', at: at(3) }),
  page('/products/456', { anonymousId: 'b', at: at(4) }),
  track('Checkout Started', { anonymousId: 'b', at: at(5) }),
  page('/products/456?utm_source=mail', { anonymousId: 'c', at: at(10) }),
  page('/products/123', { anonymousId: 'c', at: at(11) }),
  track('Product Viewed', { anonymousId: 'c', at: at(12) }),
  page('/', { anonymousId: 'z', at: at(600) }),
];

interface Move { from_stage: string; to_stage: string; journeys: number; share: number; skipped: number }
interface Step { from_touchpoint: string; to_touchpoint: string; sessions: number; steps: number; share: number; share_of_from: number }

const run = async <Row,>(store: Store, name: string, given: Record<string, string>): Promise<Row[]> => {
  const query = loadNamedQuery(name)!;
  return store.query<Row>(query.sql, bindParams(query, given));
};

/** Rebuilds one rollup's partition of the test day as refreshRollups does (a staging copy swapped in): the same rows whether or not the ingest already did. */
async function rebuild(store: Store, pipeline: CompiledPipeline, table: string): Promise<void> {
  const day = Math.floor(BASE_MS / DAY_MS) * DAY_MS;
  const staging = `${table}_staging_test`;
  await store.command(`DROP TABLE IF EXISTS ${staging}`);
  await store.command(`CREATE TABLE ${staging} AS ${table}_staging`);
  await store.command(readSql(`rollups/${table}.sql`), {
    staging,
    pipeline: pipeline.name,
    stage_names: pipeline.stageNames,
    day_start: toClickHouseDateTime(day),
    day_end: toClickHouseDateTime(day + DAY_MS),
  });
  await store.command(`ALTER TABLE ${table} REPLACE PARTITION tuple('${pipeline.name}', 20261102) FROM ${staging}`);
  await store.command(`DROP TABLE ${staging}`);
}

const byStep = <Row extends object>(rows: Row[], from: keyof Row, to: keyof Row) => new Map(rows.map((r) => [`${String(r[from])} → ${String(r[to])}`, r]));

describe('progress moves and touchpoint paths', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ store, cleanup } = await openTestStore());
    const { definition } = loadDefinition('ecommerce', { pipelinesDir: 'pipelines' });
    const pipeline = compilePipeline(definition);
    await ingestFiles(store, pipeline, [writeTemp('hand.ndjson', HAND)]);
    // A hand-made journey with a move no session makes: awareness → purchase passes over 3 stages.
    const journey: Record<string, unknown> = {
      pipeline: 'ecommerce', key: 'hand-journey', journey_id: 'hand-journey-1', version: 1, is_deleted: 0, is_open: 0,
      start: at(30), end: at(40), event_count: 2, progress_path: ['awareness', 'purchase'], furthest_stage: 'purchase', converted: 1,
      // Its reached-mode progress (nothing excluded): moves are read for journeys counted in the funnel.
      funnel_modes: ['reached'], funnel_levels: [6], funnel_excluded: [0],
      entry_channel: 'Direct', entry_touchpoint: '/', device: 'desktop',
    };
    await store.insertCompactRows('journeys', Object.keys(journey), `${JSON.stringify(Object.values(journey))}\n`);
    await rebuild(store, pipeline, 'stage_transitions_hourly');
    await rebuild(store, pipeline, 'touchpoint_transitions_hourly');
  });
  afterAll(async () => cleanup());

  it('sessions store their cleaned touchpoint paths', async () => {
    const rows = await store.query<{ key: string; touchpoint_path: string[] }>(
      "SELECT key, touchpoint_path FROM sessions FINAL WHERE pipeline = 'ecommerce' AND is_deleted = 0 ORDER BY key",
    );
    expect(rows.map((r) => r.touchpoint_path)).toEqual([
      ['/', 'Products Searched', '/', 'Products Searched', 'Product Viewed'],
      ['/', 'Products Searched', 'Product Added', '/products/:id', 'Checkout Started'],
      ['/products/:id', 'Product Viewed'],
      ['/'],
    ]);
  });

  it('a, b, a, b, c makes each move once; going back to browse makes no move back', async () => {
    const rows = await run<Move>(store, 'stage_transitions', { pipeline: 'ecommerce' });
    const moves = Object.fromEntries(rows.map((r) => [`${r.from_stage} → ${r.to_stage}`, [r.journeys, r.skipped]]));
    expect(moves).toEqual({
      '(entry) → awareness': [4, 0],
      'awareness → interest': [2, 0],
      'awareness → consideration': [1, 1],
      'awareness → (exit)': [1, 0],
      'interest → consideration': [1, 0],
      'interest → cart': [1, 1],
      'consideration → (exit)': [2, 0],
      'cart → checkout': [1, 0],
      'checkout → (exit)': [1, 0],
    });
    // Every move goes forward: a shopper who browses again after the cart stays at cart.
    expect(rows.filter((r) => r.to_stage === 'awareness' && r.from_stage !== '(entry)')).toEqual([]);
    expect(byStep(rows, 'from_stage', 'to_stage').get('awareness → interest')!.share).toBe(0.5);
    const few = await run<Move>(store, 'stage_transitions', { pipeline: 'ecommerce', min_journeys: '2' });
    expect(few.map((r) => `${r.from_stage} → ${r.to_stage}`)).toEqual(['(entry) → awareness', 'awareness → interest', 'consideration → (exit)']);
  });

  it('level person reads the journeys table, with stages passed over', async () => {
    const rows = await run<Move>(store, 'stage_transitions', { pipeline: 'ecommerce', level: 'person' });
    expect(byStep(rows, 'from_stage', 'to_stage').get('awareness → purchase')).toMatchObject({ journeys: 1, skipped: 4 });
    const sessions = await run<Move>(store, 'stage_transitions', { pipeline: 'ecommerce', level: 'session' });
    expect(sessions.some((r) => r.to_stage === 'purchase')).toBe(false);
  });

  it('touchpoint steps count sessions, not steps, with ids collapsed', async () => {
    const rows = await run<Step>(store, 'touchpoint_paths', { pipeline: 'ecommerce' });
    const steps = byStep(rows, 'from_touchpoint', 'to_touchpoint');
    expect(steps.get('/ → Products Searched')).toMatchObject({ sessions: 2, steps: 3, share: 0.5 });
    expect(steps.get('(entry) → /')).toMatchObject({ sessions: 3, steps: 3, share: 0.75 });
    expect(steps.get('Product Viewed → (exit)')).toMatchObject({ sessions: 2, steps: 2 });
    expect(steps.get('Product Added → /products/:id')).toMatchObject({ sessions: 1, steps: 1 });
    expect(steps.get('(entry) → /products/:id')).toMatchObject({ sessions: 1, steps: 1 });
    expect(steps.get('/products/:id → Product Viewed')).toMatchObject({ sessions: 1, steps: 1 });
    expect(rows.flatMap((r) => [r.from_touchpoint, r.to_touchpoint]).filter((t) => /\d/.test(t))).toEqual([]);
    expect(rows).toHaveLength(12);
    // Ordered by sessions; share_of_from splits the steps leaving a touchpoint.
    expect(rows[0]).toMatchObject({ from_touchpoint: '(entry)', to_touchpoint: '/' });
    expect(steps.get('Products Searched → Product Added')!.share_of_from).toBe(0.3333);
    const top = await run<Step>(store, 'touchpoint_paths', { pipeline: 'ecommerce', min_sessions: '2', limit: '2' });
    expect(top.map((r) => `${r.from_touchpoint} → ${r.to_touchpoint}`)).toEqual(['(entry) → /', '/ → Products Searched']);
  });
});

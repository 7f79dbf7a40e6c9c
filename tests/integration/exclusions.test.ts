import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, writeTemp } from '../helpers/store.js';
import { at, page, track } from '../helpers/segment.js';
import { parseDefinition } from '../../src/journey/load-definition.js';
import { compilePipeline, type CompiledPipeline } from '../../src/pipeline/compiled-pipeline.js';
import { ingestFiles } from '../../src/pipeline/ingest-files.js';
import { readFunnel } from '../../src/metrics/funnel-reader.js';
import type { Store } from '../../src/stores/store.js';

/**
 * `exclude:` on checkout: a Cart Emptied between cart and checkout leaves the
 * session out of the reached, ordered and strict funnels (docs/semantics.md,
 * "Exclusions"). Product Added matches the exclusion rules too, but it is a
 * cart event, so it is no exclusion.
 */
const YAML = (name: string) => `
name: ${name}
sessions:
  inactivityGap: 30m
  maxDuration: 24h
  allowedLateness: 5m
stages:
  - name: visit
    match:
      - type: page
  - name: cart
    match:
      - event: Product Added
  - name: checkout
    match:
      - event: Checkout Started
    exclude:
      - event: [Cart Emptied, Product Added]
  - name: purchase
    match:
      - event: Order Completed
abandonment:
  - name: checkout_abandonment
    from: checkout
    to: purchase
    within: 1h
`;

let runs = 0;
function freshPipeline(): CompiledPipeline {
  const name = `excl_run${++runs}`;
  return compilePipeline(parseDefinition(YAML(name), `${name}.yaml`));
}

/** A visitor who adds to the cart, [empties it], checks out and orders, minutes `start`…`start + 4`. */
function visit(anonymousId: string, start: number, emptied: boolean): string[] {
  return [
    page('/', { anonymousId, at: at(start), id: `${anonymousId}-page` }),
    track('Product Added', { anonymousId, at: at(start + 1), id: `${anonymousId}-add` }),
    ...(emptied ? [track('Cart Emptied', { anonymousId, at: at(start + 2), id: `${anonymousId}-emptied` })] : []),
    track('Checkout Started', { anonymousId, at: at(start + 3), id: `${anonymousId}-checkout` }),
    track('Order Completed', { anonymousId, at: at(start + 4), id: `${anonymousId}-order` }),
  ];
}

interface SessionRow {
  key: string;
  event_count: number;
  funnel_modes: string[];
  funnel_levels: number[];
  funnel_excluded: number[];
  converted: number;
  abandonment_outcomes: string[];
}

async function sessionsOf(store: Store, pipeline: CompiledPipeline): Promise<SessionRow[]> {
  const rows = await store.query<SessionRow>(
    `SELECT key, event_count, funnel_modes, funnel_levels, funnel_excluded, converted, abandonment_outcomes
       FROM sessions FINAL WHERE pipeline = {p:String} AND is_deleted = 0 ORDER BY key, start`,
    { p: pipeline.name },
  );
  return rows.map((row) => ({ ...row, event_count: Number(row.event_count), funnel_levels: row.funnel_levels.map(Number), funnel_excluded: row.funnel_excluded.map(Number), converted: Number(row.converted) }));
}

async function journeysExcluded(store: Store, pipeline: CompiledPipeline): Promise<Array<[string, number[]]>> {
  const rows = await store.query<{ key: string; funnel_excluded: number[] }>(
    'SELECT key, funnel_excluded FROM journeys FINAL WHERE pipeline = {p:String} AND is_deleted = 0 ORDER BY key, start',
    { p: pipeline.name },
  );
  return rows.map((row) => [row.key, row.funnel_excluded.map(Number)]);
}

const EXCLUDED = { funnel_modes: ['reached', 'ordered', 'strict', 'any'], funnel_levels: [4, 4, 4, 4], funnel_excluded: [1, 1, 1, 0], converted: 0 };
const COUNTED = { funnel_levels: [4, 4, 4, 4], funnel_excluded: [0, 0, 0, 0], converted: 1 };

describe('exclusions end to end', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ store, cleanup } = await openTestStore()));
  afterAll(async () => cleanup());

  it('classify stores the exclusion index of an event of no stage only', async () => {
    const pipeline = freshPipeline();
    await ingestFiles(store, pipeline, [writeTemp('in.ndjson', [...visit('a', 0, true), ...visit('b', 0, false)])]);
    const events = await store.query<{ event_id: string; stage_index: number; exclusion_index: number }>(
      `SELECT event_id, stage_index, exclusion_index FROM events FINAL WHERE pipeline = {p:String} AND key = 'a:a' ORDER BY ts`,
      { p: pipeline.name },
    );
    expect(events.map((e) => [e.event_id, Number(e.stage_index), Number(e.exclusion_index)])).toEqual([
      ['a-page', 1, 0],
      ['a-add', 2, 0], // matches cart and checkout's exclude: a cart event, no exclusion
      ['a-emptied', 0, 3],
      ['a-checkout', 3, 0],
      ['a-order', 4, 0],
    ]);
  });

  it('a Cart Emptied between cart and checkout leaves the session out of the funnel rows', async () => {
    const pipeline = freshPipeline();
    // c adds twice: the second Product Added lies between cart and checkout but is a cart event.
    const c = [page('/', { anonymousId: 'c', at: at(0) }), track('Product Added', { anonymousId: 'c', at: at(1) }), track('Product Added', { anonymousId: 'c', at: at(2) }), track('Checkout Started', { anonymousId: 'c', at: at(3) }), track('Order Completed', { anonymousId: 'c', at: at(4) })];
    // A visitor an hour later closes the sessions.
    await ingestFiles(store, pipeline, [writeTemp('in.ndjson', [...visit('a', 0, true), ...visit('b', 0, false), ...c, page('/', { anonymousId: 'z', at: at(120) })])]);
    const sessions = await sessionsOf(store, pipeline);
    expect(sessions.map((s) => s.key)).toEqual(['a:a', 'a:b', 'a:c', 'a:z']);
    expect(sessions[0]).toMatchObject({ ...EXCLUDED, event_count: 5, abandonment_outcomes: ['not_started', 'not_started', 'not_started', 'not_started'] });
    expect(sessions[1]).toMatchObject({ ...COUNTED, event_count: 4, abandonment_outcomes: ['completed', 'completed', 'completed', 'not_started'] });
    expect(sessions[2]).toMatchObject({ ...COUNTED, event_count: 5 });
    // The funnel rows: a counts in `any` only.
    for (const mode of ['reached', 'ordered', 'strict'] as const) {
      const funnel = await readFunnel(store, { pipeline: pipeline.name, stageNames: pipeline.stageNames, level: 'session', mode, range: {} });
      expect({ mode, entered: funnel.stages.map((s) => s.entered) }).toEqual({ mode, entered: [3, 2, 2, 2] });
    }
    const any = await readFunnel(store, { pipeline: pipeline.name, stageNames: pipeline.stageNames, level: 'session', mode: 'any', range: {} });
    expect(any.stages.map((s) => s.entered)).toEqual([4, 3, 3, 3]);
    // A person's journey is read from the same stored exclusion.
    expect(await journeysExcluded(store, pipeline)).toEqual([
      ['a:a', [1, 1, 1, 0]],
      ['a:b', [0, 0, 0, 0]],
      ['a:c', [0, 0, 0, 0]],
      ['a:z', [0, 0, 0, 0]],
    ]);
  });

  it('repair: a Cart Emptied arriving after its session closed takes the session out', async () => {
    const pipeline = freshPipeline();
    const [emptied, ...rest] = [visit('a', 0, true)[2]!, ...visit('a', 0, false), page('/', { anonymousId: 'z', at: at(120) })];
    const first = await ingestFiles(store, pipeline, [writeTemp('first.ndjson', rest)]);
    expect(first).toMatchObject({ valid: 5 });
    expect((await sessionsOf(store, pipeline))[0]).toMatchObject({ key: 'a:a', ...COUNTED });
    // 2 minutes in, two hours behind the stream: late, written, and the key repaired from the stored events.
    const second = await ingestFiles(store, pipeline, [writeTemp('late.ndjson', [emptied])]);
    expect(second).toMatchObject({ valid: 1, duplicates: 0 });
    const sessions = await sessionsOf(store, pipeline);
    expect(sessions.map((s) => s.key)).toEqual(['a:a', 'a:z']);
    expect(sessions[0]).toMatchObject({ ...EXCLUDED, event_count: 5 });
    expect(await journeysExcluded(store, pipeline)).toEqual([
      ['a:a', [1, 1, 1, 0]],
      ['a:z', [0, 0, 0, 0]],
    ]);
  });

  it('out of order within the lateness, and across runs (the open session restored from the store)', async () => {
    const outOfOrder = freshPipeline();
    const events = visit('a', 0, true);
    // Cart Emptied (minute 2) arrives after the checkout (3): inserted in the open session.
    await ingestFiles(store, outOfOrder, [writeTemp('in.ndjson', [events[0]!, events[1]!, events[3]!, events[2]!, events[4]!])]);
    expect((await sessionsOf(store, outOfOrder))[0]).toMatchObject({ ...EXCLUDED, event_count: 5 });

    const acrossRuns = freshPipeline();
    // Run 1 ends with the session open after the Cart Emptied; run 2 restores it from `events` and finishes it.
    await ingestFiles(store, acrossRuns, [writeTemp('first.ndjson', events.slice(0, 3))]);
    await ingestFiles(store, acrossRuns, [writeTemp('second.ndjson', [...events.slice(3), page('/', { anonymousId: 'z', at: at(120) })])]);
    const sessions = await sessionsOf(store, acrossRuns);
    expect(sessions.map((s) => s.key)).toEqual(['a:a', 'a:z']);
    expect(sessions[0]).toMatchObject({ ...EXCLUDED, event_count: 5 });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, writeTemp } from '../helpers/store.js';
import { resultSnapshot } from '../helpers/snapshot.js';
import { ALL, BRIDGE, EVENTS } from '../helpers/scenario.js';
import { loadDefinition } from '../../src/journey/load-definition.js';
import { compilePipeline, type CompiledPipeline } from '../../src/pipeline/compiled-pipeline.js';
import { ingestFiles } from '../../src/pipeline/ingest-files.js';
import type { Store } from '../../src/stores/store.js';

const base = loadDefinition('ecommerce', { pipelinesDir: 'pipelines' }).definition;
let runs = 0;
/** The ecommerce definition under a fresh name: each scenario gets its own rows in the shared store. */
function freshPipeline(): CompiledPipeline {
  return compilePipeline({ ...base, name: `ecommerce_run${++runs}` });
}

describe('ingest is idempotent and order-independent', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let reference: string;
  beforeAll(async () => {
    ({ store, cleanup } = await openTestStore());
    const pipeline = freshPipeline();
    await ingestFiles(store, pipeline, [writeTemp('all.ndjson', ALL)]);
    reference = await resultSnapshot(store, pipeline);
  });
  afterAll(async () => cleanup());

  it('the reference run has the hand-computed sessions', () => {
    const snapshot = JSON.parse(reference);
    const sessions = snapshot.sessions as Array<{ key: string; event_count: number; funnel_modes: string[]; funnel_levels: number[]; funnel_skipped: number[]; converted: number }>;
    expect(sessions[0]!.funnel_modes).toEqual(['reached', 'ordered', 'strict', 'any']);
    // [key, events, level in reached/ordered/strict/any, skipped mask in reached/ordered/strict/any, converted]
    expect(sessions.map((s) => [s.key, s.event_count, s.funnel_levels, s.funnel_skipped, s.converted])).toEqual([
      ['a:alice', 6, [6, 6, 6, 6], [0, 0, 0, 0], 1], // page, search, view, add, checkout, order
      ['a:bob', 5, [5, 5, 5, 5], [0, 0, 0, 0], 0], // page + list at the same minute, view, add, checkout: abandoned
      ['a:bob', 2, [3, 3, 3, 2], [2, 2, 2, 0], 0], // back after 52 min: page, view (interest, optional, skipped)
      ['a:carol', 7, [6, 6, 6, 6], [0, 0, 0, 0], 1], // the 23-min bridge keeps gaps of 25, 23, 22 min: one session
      ['a:dave', 2, [3, 3, 3, 2], [2, 2, 2, 0], 0],
    ]);
    // funnels[0]: session level, reached mode; funnels[1]: ordered (the same here: only interest is passed, and it is optional).
    const pick = (stages: Array<{ stage: string; entered: number; skipped: number; advanced: number | null }>) => stages.map((s) => [s.stage, s.entered, s.skipped, s.advanced]);
    const reached = pick(snapshot.funnels[0].stages);
    expect(reached).toEqual([
      ['awareness', 5, 0, 5],
      ['interest', 5, 2, 3],
      ['consideration', 5, 0, 3],
      ['cart', 3, 0, 3],
      ['checkout', 3, 0, 2],
      ['purchase', 2, 0, 0],
      ['retention', 0, 0, 0],
      ['advocacy', 0, 0, null],
    ]);
    expect(snapshot.funnels[0]).toMatchObject({ level: 'session', mode: 'reached' });
    expect(snapshot.funnels[1]).toMatchObject({ level: 'session', mode: 'ordered' });
    expect(pick(snapshot.funnels[1].stages)).toEqual(reached);
    const checkout = (snapshot.abandonment as Array<{ rule: string; started: number; abandoned: number }>).find((r) => r.rule === 'checkout_abandonment');
    expect(checkout).toMatchObject({ started: 3, pending: 0, abandoned: 1, rate: 0.333333 });
  });

  it('re-ingesting the same file changes nothing and counts every record as a duplicate', async () => {
    const pipeline = freshPipeline();
    const file = writeTemp('all.ndjson', ALL);
    await ingestFiles(store, pipeline, [file]);
    const again = await ingestFiles(store, pipeline, [file]);
    expect(again).toMatchObject({ read: ALL.length, valid: 0, duplicates: ALL.length, dead_lettered: 0 });
    expect(await resultSnapshot(store, pipeline)).toBe(reference);
  });

  it('the same events split into several files and batches give identical results', async () => {
    const pipeline = freshPipeline();
    const files = [ALL.slice(0, 4), ALL.slice(4, 11), ALL.slice(11)].map((lines, i) => writeTemp(`part${i}.ndjson`, lines));
    for (const file of files) await ingestFiles(store, pipeline, [file], { batchSize: 3 });
    expect(await resultSnapshot(store, pipeline)).toBe(reference);
  });

  it('events re-ordered within the lateness give identical results', async () => {
    const pipeline = freshPipeline();
    const shuffled = [...ALL];
    // Swap neighbours; none of them are more than a few minutes apart in time.
    for (let i = 0; i + 1 < 13; i += 2) [shuffled[i], shuffled[i + 1]] = [shuffled[i + 1]!, shuffled[i]!];
    await ingestFiles(store, pipeline, [writeTemp('shuffled.ndjson', shuffled)], { batchSize: 4 });
    expect(await resultSnapshot(store, pipeline)).toBe(reference);
  });

  it('an event later than the lateness repairs the sessions it belongs to (merging two) and nothing is counted twice', async () => {
    const pipeline = freshPipeline();
    await ingestFiles(store, pipeline, [writeTemp('without-bridge.ndjson', EVENTS)]);
    const before = JSON.parse(await resultSnapshot(store, pipeline)).sessions as Array<{ key: string }>;
    expect(before.filter((s) => s.key === 'a:carol')).toHaveLength(2);
    const late = await ingestFiles(store, pipeline, [writeTemp('bridge.ndjson', [BRIDGE])]);
    expect(late).toMatchObject({ read: 1, valid: 1, duplicates: 0 });
    expect(await resultSnapshot(store, pipeline)).toBe(reference);
  });

  it('a late duplicate of a closed session is counted as a duplicate, not again', async () => {
    const pipeline = freshPipeline();
    await ingestFiles(store, pipeline, [writeTemp('all.ndjson', ALL)]);
    const again = await ingestFiles(store, pipeline, [writeTemp('dup.ndjson', [ALL[2]!])]);
    expect(again).toMatchObject({ valid: 0, duplicates: 1 });
    expect(await resultSnapshot(store, pipeline)).toBe(reference);
  });

  it('a retried Segment message (same messageId, new sentAt and receivedAt) counts once, whatever the batches', async () => {
    const pipeline = freshPipeline();
    // The device clock is 2 h fast; the retry went out 90 s later and took 0.4 s longer on the wire.
    const send = (sentAt: string, receivedAt: string) =>
      JSON.stringify({
        type: 'track', event: 'Order Completed', messageId: 'retried-1', anonymousId: 'erin',
        originalTimestamp: '2026-11-02T12:05:00.000Z', sentAt, receivedAt,
      });
    const first = send('2026-11-02T12:05:01.000Z', '2026-11-02T10:05:01.300Z');
    const retry = send('2026-11-02T12:06:31.000Z', '2026-11-02T10:06:31.700Z');
    // Both copies arrive on time (the stream is at 10:09), in different batches.
    const lines = [...ALL.slice(0, 6), first, ALL[6]!, retry, ...ALL.slice(7)];
    const summary = await ingestFiles(store, pipeline, [writeTemp('retry.ndjson', lines)], { batchSize: 1 });
    expect(summary).toMatchObject({ read: ALL.length + 2, valid: ALL.length + 1, duplicates: 1 });
    const [row] = await store.query<{ events: number; ts: string }>(
      "SELECT count() AS events, any(ts) AS ts FROM events FINAL WHERE pipeline = {p:String} AND event_id = 'retried-1'",
      { p: pipeline.name },
    );
    // receivedAt − (sentAt − originalTimestamp) of the first copy.
    expect(row).toEqual({ events: 1, ts: '2026-11-02 10:05:00.300' });
  });
});

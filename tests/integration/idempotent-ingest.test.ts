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
    const sessions = snapshot.sessions as Array<{ key: string; event_count: number; ordered_level: number; furthest_level: number; converted: number }>;
    // [key, events, ordered level, furthest level, converted]
    expect(sessions.map((s) => [s.key, s.event_count, s.ordered_level, s.furthest_level, s.converted])).toEqual([
      ['a:alice', 6, 6, 6, 1], // page, search, view, add, checkout, order
      ['a:bob', 5, 5, 5, 0], // page + list at the same minute, view, add, checkout: abandoned
      ['a:bob', 2, 1, 3, 0], // back after 52 min: page, view (interest skipped)
      ['a:carol', 7, 6, 6, 1], // the 23-min bridge keeps gaps of 25, 23, 22 min: one session
      ['a:dave', 2, 1, 3, 0],
    ]);
    const ordered = snapshot.funnels[0].stages as Array<{ stage: string; entered: number; advanced: number | null }>;
    expect(ordered.map((s) => [s.stage, s.entered, s.advanced])).toEqual([
      ['awareness', 5, 3],
      ['interest', 3, 3],
      ['consideration', 3, 3],
      ['cart', 3, 3],
      ['checkout', 3, 2],
      ['purchase', 2, 0],
      ['retention', 0, 0],
      ['advocacy', 0, null],
    ]);
    const checkout = (snapshot.abandonment as Array<{ rule: string; started: number; abandoned: number }>).find((r) => r.rule === 'checkout_abandonment');
    expect(checkout).toMatchObject({ started: 3, abandoned: 1 });
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

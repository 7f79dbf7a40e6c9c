import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, writeTemp } from '../helpers/store.js';
import { resultSnapshot } from '../helpers/snapshot.js';
import { page, track } from '../helpers/segment.js';
import { loadDefinition } from '../../src/journey/load-definition.js';
import { compilePipeline, type CompiledPipeline } from '../../src/pipeline/compiled-pipeline.js';
import { ingestFiles } from '../../src/pipeline/ingest-files.js';
import { EVENTS_PER_COPY_CHECK } from '../../src/pipeline/copy-check.js';
import type { Store } from '../../src/stores/store.js';

const base = loadDefinition('ecommerce', { pipelinesDir: 'pipelines' }).definition;
let runs = 0;
function freshPipeline(): CompiledPipeline {
  return compilePipeline({ ...base, name: `copies_run${++runs}` });
}

/** One user's visit: a page at 16:00 (d3), a search at 16:01 (d4) — awareness then interest. */
const d3At = (at: string) => page('/', { id: 'd3', anonymousId: 'dora', at });
const d4 = track('Products Searched', { id: 'd4', anonymousId: 'dora', at: '2026-11-02T16:01:00.000Z' });
/** Traffic of other visitors that moves the stream's clock on (and closes dora's session). */
const laterTraffic = (fromHour: number, hours: number) =>
  Array.from({ length: hours * 2 }, (_, i) =>
    page('/', { id: `other-${fromHour}-${i}`, anonymousId: `other-${i % 3}`, at: Date.UTC(2026, 10, 2, fromHour) + i * 30 * 60_000 }),
  );

describe('a message id already stored counts once, on time or late, in any run', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ store, cleanup } = await openTestStore()));
  afterAll(async () => cleanup());

  const copiesOf = async (pipeline: CompiledPipeline, id: string) =>
    store.query<{ ts: string }>('SELECT ts FROM events FINAL WHERE pipeline = {p:String} AND event_id = {id:String} ORDER BY ts', { p: pipeline.name, id });

  // A copy found by the store check has still moved the stream's clock (its
  // time was a fact about the stream when it arrived): the references see an
  // event of another visitor at the same time, so both clocks agree.
  const tick = (at: string) => page('/', { id: `tick-${at}`, anonymousId: 'ticker', at });

  it.each([
    { name: 'a copy 20 min later, in the session restored from run 1', copyAt: '2026-11-02T16:20:00.000Z', traffic: [] as string[] },
    { name: 'a copy 4 h later, after other traffic closed the session', copyAt: '2026-11-02T20:00:00.000Z', traffic: laterTraffic(17, 2) },
  ])('run 2 brings $name: a duplicate, nothing changes', async ({ copyAt, traffic }) => {
    const run1 = [d3At('2026-11-02T16:00:00.000Z'), d4, ...traffic];
    const reference = freshPipeline();
    await ingestFiles(store, reference, [writeTemp('run1.ndjson', run1)]);
    await ingestFiles(store, reference, [writeTemp('run2.ndjson', [tick(copyAt)])]);
    const pipeline = freshPipeline();
    await ingestFiles(store, pipeline, [writeTemp('run1.ndjson', run1)]);
    const run2 = await ingestFiles(store, pipeline, [writeTemp('run2.ndjson', [d3At(copyAt), tick(copyAt)])]);
    expect(run2).toMatchObject({ read: 2, valid: 1, duplicates: 1 });
    expect(await copiesOf(pipeline, 'd3')).toEqual([{ ts: '2026-11-02 16:00:00.000' }]);
    expect(await resultSnapshot(store, pipeline)).toBe(await resultSnapshot(store, reference));
  });

  it('within one run: a copy hours later, in another check window, counts once and the sessions are as without it', async () => {
    // More events than one check window lie between the original and its copy.
    const filler = Array.from({ length: EVENTS_PER_COPY_CHECK + 500 }, (_, i) =>
      page('/', { id: `f${i}`, anonymousId: `visitor-${i}`, at: Date.UTC(2026, 10, 2, 17) + i * 1_000 }),
    );
    const withoutCopy = [d3At('2026-11-02T16:00:00.000Z'), d4, ...filler];
    // On time: at the time of the filler around it, long after dora's session closed.
    const at = EVENTS_PER_COPY_CHECK + 200;
    const copy = d3At(new Date(Date.UTC(2026, 10, 2, 17) + at * 1_000).toISOString());
    const reference = freshPipeline();
    await ingestFiles(store, reference, [writeTemp('reference.ndjson', withoutCopy)]);
    const pipeline = freshPipeline();
    const withCopy = [...withoutCopy.slice(0, 2 + at), copy, ...withoutCopy.slice(2 + at)];
    const summary = await ingestFiles(store, pipeline, [writeTemp('with-copy.ndjson', withCopy)]);
    expect(summary).toMatchObject({ read: withoutCopy.length + 1, valid: withoutCopy.length, duplicates: 1 });
    expect(await copiesOf(pipeline, 'd3')).toEqual([{ ts: '2026-11-02 16:00:00.000' }]);
    expect(await resultSnapshot(store, pipeline)).toBe(await resultSnapshot(store, reference));
  });

  it('within one check window: a copy after its session closed is caught before it is sessionized', async () => {
    const lines = [d3At('2026-11-02T16:00:00.000Z'), d4, ...laterTraffic(17, 2), d3At('2026-11-02T18:30:00.000Z')];
    const reference = freshPipeline();
    await ingestFiles(store, reference, [writeTemp('reference.ndjson', lines.slice(0, -1))]);
    const pipeline = freshPipeline();
    const summary = await ingestFiles(store, pipeline, [writeTemp('with-copy.ndjson', lines)], { batchSize: 2 });
    expect(summary).toMatchObject({ valid: lines.length - 1, duplicates: 1 });
    expect(await resultSnapshot(store, pipeline)).toBe(await resultSnapshot(store, reference));
  });

  it('an on-time copy of a late event not yet resolved against the store counts once', async () => {
    const late = page('/sale', { id: 'late-1', anonymousId: 'dora', at: '2026-11-02T16:05:00.000Z' });
    const lateCopy = page('/sale', { id: 'late-1', anonymousId: 'dora', at: '2026-11-02T18:31:00.000Z' });
    const lines = [d3At('2026-11-02T16:00:00.000Z'), d4, ...laterTraffic(17, 2), late];
    const reference = freshPipeline();
    await ingestFiles(store, reference, [writeTemp('reference.ndjson', [...lines, tick('2026-11-02T18:31:00.000Z')])]);
    const pipeline = freshPipeline();
    const summary = await ingestFiles(store, pipeline, [writeTemp('with-copy.ndjson', [...lines, lateCopy, tick('2026-11-02T18:31:00.000Z')])]);
    expect(summary).toMatchObject({ valid: lines.length + 1, duplicates: 1 });
    expect(await copiesOf(pipeline, 'late-1')).toEqual([{ ts: '2026-11-02 16:05:00.000' }]);
    expect(await resultSnapshot(store, pipeline)).toBe(await resultSnapshot(store, reference));
  });
});

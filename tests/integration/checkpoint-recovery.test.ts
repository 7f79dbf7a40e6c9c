import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore } from '../helpers/store.js';
import { resultSnapshot } from '../helpers/snapshot.js';
import { ALL } from '../helpers/scenario.js';
import { loadDefinition } from '../../src/journey/load-definition.js';
import { compilePipeline, type CompiledPipeline, type RawRecord } from '../../src/pipeline/compiled-pipeline.js';
import { JourneyProcessor } from '../../src/pipeline/processor.js';
import type { Store } from '../../src/stores/store.js';

const base = loadDefinition('ecommerce', { pipelinesDir: 'pipelines' }).definition;
let runs = 0;
const freshPipeline = (): CompiledPipeline => compilePipeline({ ...base, name: `recovery_run${++runs}` });
const records = (from: number, to: number): RawRecord[] =>
  ALL.slice(from, to).map((raw, i) => ({ raw, origin: { kind: 'kafka', topic: 'site-events', partition: 0, offset: String(from + i) } }));

/**
 * The delivery guarantee without a broker: a processor that dies after its
 * last checkpoint (offsets committed up to there), possibly after writing
 * some effects of later records, is replaced by one that restores the
 * checkpoint and re-reads everything after it. Results must equal one clean pass.
 */
describe('checkpoint and recovery', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let reference: string;
  beforeAll(async () => {
    ({ store, cleanup } = await openTestStore());
    const pipeline = freshPipeline();
    const clean = await JourneyProcessor.start({ pipeline, store, stream: 'site-events/0' });
    await clean.process(records(0, ALL.length));
    await clean.finish();
    reference = await resultSnapshot(store, pipeline);
  });
  afterAll(async () => cleanup());

  it.each([
    { name: 'dies right after a checkpoint', checkpointAt: 8, diesAt: 8, flushBeforeDying: false },
    { name: 'dies with later effects written but not checkpointed', checkpointAt: 8, diesAt: 17, flushBeforeDying: true },
    { name: 'dies with later effects only in memory', checkpointAt: 5, diesAt: 15, flushBeforeDying: false },
    { name: 'dies late, after sessions closed past the checkpoint', checkpointAt: 3, diesAt: ALL.length, flushBeforeDying: true },
  ])('$name', async ({ checkpointAt, diesAt, flushBeforeDying }) => {
    const pipeline = freshPipeline();
    const first = await JourneyProcessor.start({ pipeline, store, stream: 'site-events/0' });
    for (let i = 0; i < checkpointAt; i += 2) await first.process(records(i, Math.min(i + 2, checkpointAt)));
    await first.checkpoint();
    await first.process(records(checkpointAt, diesAt));
    if (flushBeforeDying) await first.flush();
    // The first processor is abandoned here, as a killed process would be.
    const second = await JourneyProcessor.start({ pipeline, store, stream: 'site-events/0' });
    for (let i = checkpointAt; i < ALL.length; i += 3) await second.process(records(i, Math.min(i + 3, ALL.length)));
    await second.finish();
    expect(await resultSnapshot(store, pipeline)).toBe(reference);
  });

  it('owed rollup rebuilds survive a crash: a restart with nothing left to read still rebuilds them', async () => {
    const pipeline = freshPipeline();
    const first = await JourneyProcessor.start({ pipeline, store, stream: 'site-events/0' });
    await first.process(records(0, ALL.length));
    await first.checkpoint();
    // Dies before rebuilding rollups; everything was committed, so nothing is re-read.
    const second = await JourneyProcessor.start({ pipeline, store, stream: 'site-events/0' });
    await second.finish();
    expect(await resultSnapshot(store, pipeline)).toBe(reference);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore } from '../helpers/store.js';
import { page } from '../helpers/segment.js';
import { loadDefinition } from '../../src/journey/load-definition.js';
import { compilePipeline } from '../../src/pipeline/compiled-pipeline.js';
import { JourneyProcessor } from '../../src/pipeline/processor.js';
import { OpenSessionLimitError } from '../../src/pipeline/open-session-limit.js';
import type { RawRecord } from '../../src/pipeline/compiled-pipeline.js';
import type { Store } from '../../src/stores/store.js';

const base = loadDefinition('ecommerce', { pipelinesDir: 'pipelines' }).definition;
const START = Date.UTC(2026, 10, 2, 12);
/** One page view per distinct visitor, 100 ms apart: all still open at the end. */
const burst = (visitors: number): RawRecord[] =>
  Array.from({ length: visitors }, (_, i) => ({
    raw: page('/', { id: `b${i}`, anonymousId: `burst-${i}`, at: START + i * 100 }),
    origin: { kind: 'file' as const, file: 'burst.ndjson', line: i + 1 },
  }));

describe('open sessions of a burst of visitors', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ store, cleanup } = await openTestStore()));
  afterAll(async () => cleanup());

  it('a checkpoint of more open sessions than one write chunk writes and restores every one of them', async () => {
    const pipeline = compilePipeline({ ...base, name: 'burst_checkpoint' });
    const first = await JourneyProcessor.start({ pipeline, store, stream: 'files' });
    for (const record of burst(2_500)) await first.process([record]);
    await first.checkpoint();
    const [written] = await store.query<{ open: number }>(
      'SELECT countIf(is_open = 1) AS open FROM sessions FINAL WHERE pipeline = {p:String} AND is_deleted = 0',
      { p: pipeline.name },
    );
    expect(written!.open).toBe(2_500);
    const restored = await JourneyProcessor.start({ pipeline, store, stream: 'files' });
    expect(restored.openSessions).toBe(2_500);
  });

  it('stops with a clear error, not an out-of-memory kill, past the open-session limit', async () => {
    const pipeline = compilePipeline({ ...base, name: 'burst_limit' });
    const processor = await JourneyProcessor.start({ pipeline, store, stream: 'files', maxOpenGroups: 50 });
    await processor.process(burst(50));
    const error = await processor.process(burst(51).slice(50)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenSessionLimitError);
    expect((error as Error).message).toMatch(/^51 visitors have an open session, more than this process can hold \(50: .*inactivityGap.*partitions.*--max-old-space-size/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, writeTemp } from '../helpers/store.js';
import { at, page, track } from '../helpers/segment.js';
import { loadDefinition } from '../../src/journey/load-definition.js';
import { compilePipeline } from '../../src/pipeline/compiled-pipeline.js';
import { ingestFiles } from '../../src/pipeline/ingest-files.js';
import { readFunnel } from '../../src/metrics/funnel-reader.js';
import type { Store } from '../../src/stores/store.js';

describe('ingest smoke', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ store, cleanup } = await openTestStore()));
  afterAll(async () => cleanup());

  it('ingests and reports a funnel', async () => {
    const { definition } = loadDefinition('ecommerce', { pipelinesDir: 'pipelines' });
    const pipeline = compilePipeline(definition);
    const file = writeTemp('a.ndjson', [
      page('/', { anonymousId: 'a1', at: at(0) }),
      track('Product Viewed', { anonymousId: 'a1', at: at(1) }),
      track('Product Added', { anonymousId: 'a1', at: at(2) }),
      page('/', { anonymousId: 'a2', at: at(3) }),
      'not json',
    ]);
    const summary = await ingestFiles(store, pipeline, [file]);
    expect(summary).toEqual({ read: 5, valid: 4, duplicates: 0, dead_lettered: 1, sessions: 2 });
    const report = await readFunnel(store, { pipeline: 'ecommerce', stageNames: pipeline.stageNames, level: 'session', mode: 'ordered', range: {} });
    console.log(JSON.stringify(report.stages));
  });
});

describe('ingest of batch bodies, JSON arrays and pretty-printed JSON (docs/events.md)', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ store, cleanup } = await openTestStore()));
  afterAll(async () => cleanup());

  it('reads every event they hold: the same funnel as one event per line, and a bad element is a dead letter naming file:line#index', async () => {
    const { definition } = loadDefinition('ecommerce', { pipelinesDir: 'pipelines' });
    const pipeline = compilePipeline(definition);
    const events = [
      page('/', { anonymousId: 'b1', at: at(0) }),
      track('Product Viewed', { anonymousId: 'b1', at: at(1) }),
      track('Product Added', { anonymousId: 'b1', at: at(2) }),
      page('/', { anonymousId: 'b2', at: at(3) }),
      track('Product Viewed', { anonymousId: 'b2', at: at(4) }),
      page('/', { anonymousId: 'b3', at: at(5) }),
    ].map((line) => JSON.parse(line) as Record<string, unknown>);
    const file = writeTemp('batches.ndjson', [
      JSON.stringify(events[0], null, 2),
      JSON.stringify({ batch: [events[1], events[2], { type: 'track', anonymousId: 'b1' }], sentAt: at(2) }),
      JSON.stringify([events[3], events[4]]),
      JSON.stringify(events[5]),
    ]);
    const summary = await ingestFiles(store, pipeline, [file]);
    expect(summary).toEqual({ read: 7, valid: 6, duplicates: 0, dead_lettered: 1, sessions: 3 });
    const [letter] = await store.query<{ origin: string; reason: string }>('SELECT origin, reason FROM dead_letters');
    expect(letter).toEqual({ origin: `${file}:${JSON.stringify(events[0], null, 2).split('\n').length + 1}#2`, reason: expect.stringMatching(/a track call needs an event name/) });
    const report = await readFunnel(store, { pipeline: 'ecommerce', stageNames: pipeline.stageNames, level: 'session', mode: 'reached', range: {} });
    // Stages are milestones: b1 and b2 passed interest without an event of it (skipped).
    expect(report.stages.map((stage) => [stage.stage, stage.entered, stage.skipped])).toEqual([
      ['awareness', 3, 0], ['interest', 2, 2], ['consideration', 2, 0], ['cart', 1, 0], ['checkout', 0, 0], ['purchase', 0, 0], ['retention', 0, 0], ['advocacy', 0, 0],
    ]);
  });
});

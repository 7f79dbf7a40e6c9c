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

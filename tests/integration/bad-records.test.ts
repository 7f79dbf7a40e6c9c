import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, writeTemp } from '../helpers/store.js';
import { at, page, track } from '../helpers/segment.js';
import { loadDefinition } from '../../src/journey/load-definition.js';
import { compilePipeline } from '../../src/pipeline/compiled-pipeline.js';
import { ingestFiles } from '../../src/pipeline/ingest-files.js';
import type { Store } from '../../src/stores/store.js';

/** A Segment track call with ~5,000 levels of objects in properties, as text (JSON.stringify overflows on it). */
function deeplyNested(): string {
  const levels = 5_000;
  const head = JSON.stringify({ type: 'track', event: 'Product Viewed', messageId: 'deep', anonymousId: 'mallory', timestamp: new Date(at(2)).toISOString() });
  return `${head.slice(0, -1)},"properties":${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}}`;
}

// Issue 10: one bad record must never take a run down, stall it, or poison later results.
describe('one bad record among good ones (embedded ClickHouse)', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ store, cleanup } = await openTestStore()));
  afterAll(async () => cleanup());

  it('is dead-lettered or read safely, and the good records are stored as without it', async () => {
    const { definition } = loadDefinition('ecommerce', { pipelinesDir: 'pipelines' });
    const pipeline = compilePipeline(definition);
    const far = '9999-06-01T00:00:00.000Z';
    const file = writeTemp('bad.ndjson', [
      page('/', { anonymousId: 'alice', at: at(0) }),
      track('Checkout Started', { anonymousId: 'alice', at: at(1) }),
      // Before: accepted; the stream's watermark jumped to 9999, closing alice's session as abandoned.
      JSON.stringify({ type: 'track', event: 'Order Completed', messageId: 'future', anonymousId: 'mallory', timestamp: far, receivedAt: far }),
      // Before: RangeError in RowBuffer.pushLine, the run died with 0 events stored.
      deeplyNested(),
      // Before: TypeError (String() of an object whose toString is not callable), the run died.
      JSON.stringify({ type: 'page', messageId: 'tostring', anonymousId: 'bob', timestamp: new Date(at(3)).toISOString(), properties: { url: { toString: 1 }, path: { toString: 1 } }, context: { traits: { segment: { toString: 1 } } } }),
    ]);
    const summary = await ingestFiles(store, pipeline, [file]);
    expect(summary).toMatchObject({ read: 5, valid: 3, dead_lettered: 2 });

    const letters = await store.query<{ reason: string }>('SELECT reason FROM dead_letters WHERE pipeline = {p:String} ORDER BY reason', { p: pipeline.name });
    expect(letters.map((l) => l.reason)).toEqual([
      'event time 9999-06-01T00:00:00.000Z is more than 86400000 ms ahead of its receipt at ' + letters[0]!.reason.split(' at ').pop(),
      `properties${'.a'.repeat(31)}: objects and arrays nested more than 32 levels deep`,
    ]);
    const sessions = await store.query<{ key: string; is_open: number; abandonment_outcomes: string[] }>(
      `SELECT key, is_open, arrayFilter((o, m) -> m = 'reached', abandonment_outcomes, abandonment_modes) AS abandonment_outcomes
         FROM sessions FINAL WHERE pipeline = {p:String} AND is_deleted = 0 ORDER BY key`,
      { p: pipeline.name },
    );
    // alice's checkout is minutes old in event time: her session is open and both
    // checkout rules still pending (reached mode); cart_abandonment completed at
    // once: her checkout entered the cart stage too (skipped) and checkout with it.
    expect(sessions).toEqual([
      { key: 'a:alice', is_open: 1, abandonment_outcomes: ['completed', 'pending', 'pending'] },
      { key: 'a:bob', is_open: 1, abandonment_outcomes: ['not_started', 'not_started', 'not_started'] },
    ]);
  });
});

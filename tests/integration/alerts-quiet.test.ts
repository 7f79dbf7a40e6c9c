import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, writeTemp } from '../helpers/store.js';
import { generatedFile } from '../helpers/generated-input.js';
import { page, track } from '../helpers/segment.js';
import { parseDefinition } from '../../src/journey/load-definition.js';
import { compilePipeline } from '../../src/pipeline/compiled-pipeline.js';
import { ingestFiles } from '../../src/pipeline/ingest-files.js';
import { compileAlertRule } from '../../src/analysis/alert-policy.js';
import { readBucketSeries, readPipelineWatermarkMs } from '../../src/analysis/alert-series.js';
import { evaluateAlerts } from '../../src/analysis/evaluate-alerts.js';
import type { Store } from '../../src/stores/store.js';

// The shipped definition plus a conversion alert on checkout → purchase, under a pipeline name
// per test (tests in one file share a store and isolate by pipeline).
function pipelineNamed(name: string) {
  const text = readFileSync('pipelines/ecommerce.yaml', 'utf8')
    .replace(/^name: ecommerce$/m, `name: ${name}`)
    .replace('\nalerts:\n', '\nalerts:\n  - name: checkout_conversion_drop\n    metric: { conversion: checkout }\n');
  const definition = parseDefinition(text, `${name}.yaml`);
  const rule = (alert: string) => compileAlertRule(definition.alerts.find((a) => a.name === alert)!, definition);
  return { pipeline: compilePipeline(definition), rule };
}

/** One shopper's session up to checkout (stage 5 of the ordered funnel), optionally buying. */
function checkoutSession(id: string, checkoutMs: number, buys: boolean): string[] {
  const t = (offsetMin: number) => checkoutMs + offsetMin * 60_000;
  return [
    page('/', { anonymousId: id, at: t(-4) }),
    track('Products Searched', { anonymousId: id, at: t(-3) }),
    track('Product Viewed', { anonymousId: id, at: t(-2) }),
    track('Product Added', { anonymousId: id, at: t(-1) }),
    track('Checkout Started', { anonymousId: id, at: t(0) }),
    ...(buys ? [track('Order Completed', { anonymousId: id, at: t(2) })] : []),
  ];
}

describe('alert metrics from the store, and quiet traffic', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ store, cleanup } = await openTestStore()));
  afterAll(async () => cleanup());

  it('reads both metrics per 5-minute bucket from the sessions: abandonment with when each checkout completed, conversion from closed sessions', async () => {
    const t0 = Date.parse('2026-10-01T10:00:00Z');
    const file = writeTemp('checkouts.ndjson', [
      ...checkoutSession('a', t0 + 2 * 60_000, true),
      ...checkoutSession('b', t0 + 3 * 60_000, false),
      ...checkoutSession('c', t0 + 7 * 60_000, true),
      // three hours later: the watermark passes, the three sessions close
      page('/', { anonymousId: 'z', at: t0 + 3 * 3_600_000 }),
    ]);
    const { pipeline, rule } = pipelineNamed('checkouts');
    await ingestFiles(store, pipeline, [file]);
    const range = { pipeline: 'checkouts', fromMs: t0 - 3_600_000, toMs: t0 + 3_600_000 };
    const expected = new Map([
      [t0, { sessions: 2, bad: 1 }],
      [t0 + 300_000, { sessions: 1, bad: 0 }],
    ]);
    // a (10:02, bought 10:04) is done within its bucket; b (10:03) is still open at 10:05, 10:10, 10:15
    // and abandoned; c (10:07, bought 10:09) is done within its bucket
    expect(await readBucketSeries(store, { ...range, source: rule('checkout_abandonment_spike').source })).toEqual(
      new Map([
        [t0, { sessions: 2, bad: 1, open: [1, 1, 1] }],
        [t0 + 300_000, { sessions: 1, bad: 0, open: [0, 0, 0] }],
      ]),
    );
    expect(await readBucketSeries(store, { ...range, source: rule('checkout_conversion_drop').source })).toEqual(expected);
  });

  it('30 quiet days of low-volume generated traffic raise no alert on either metric', async () => {
    const { pipeline, rule } = pipelineNamed('ecommerce');
    const input = await generatedFile('quiet.ndjson', [{ seed: 9, start: '2026-11-02T00:00:00Z', days: 30, visitorsPerDay: 400 }]);
    await ingestFiles(store, pipeline, [input.path]);
    const nowMs = (await readPipelineWatermarkMs(store, 'ecommerce'))!;
    expect(nowMs).toBeGreaterThan(Date.parse('2026-12-01T23:00:00Z'));
    const result = await evaluateAlerts({ store, pipeline, nowMs, fromMs: 0 });
    expect(result.notices).toEqual([]);
    const series = await readBucketSeries(store, { pipeline: 'ecommerce', source: rule('checkout_abandonment_spike').source, fromMs: 0, toMs: nowMs });
    const checkouts = [...series.values()].reduce((sum, b) => sum + b.sessions, 0);
    console.log(`quiet generated days: 30 days, ${input.lines} lines, ${checkouts} checkouts in ${series.size} buckets: 0 alerts`);
  });
});

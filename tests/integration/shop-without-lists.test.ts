import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore } from '../helpers/store.js';
import { generatedFile } from '../helpers/generated-input.js';
import { loadDefinition } from '../../src/journey/load-definition.js';
import { compilePipeline } from '../../src/pipeline/compiled-pipeline.js';
import { ingestFiles } from '../../src/pipeline/ingest-files.js';
import { readFunnel } from '../../src/metrics/funnel-reader.js';
import { analyzeBottlenecks } from '../../src/analysis/bottleneck-report.js';
import { FUNNEL_MODES } from '../../src/journey/definition-schema.js';
import type { Store } from '../../src/stores/store.js';

/**
 * A standard Segment shop that never sends Product List Viewed (Home →
 * Product Viewed → Product Added → Checkout Started → Order Completed) gets a
 * true funnel out of the box with pipelines/ecommerce.yaml: before the
 * journey model its ordered funnel stopped at awareness and bottlenecks
 * found nothing. Every session with an Order Completed is converted in every
 * mode but `any` (whose rows count distinct stages), and the interest stage
 * is entered only as skipped.
 */
describe('a shop without product lists', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  const { definition } = loadDefinition('ecommerce', { pipelinesDir: 'pipelines' });
  const stageNames = definition.stages.map((s) => s.name);
  beforeAll(async () => {
    ({ store, cleanup } = await openTestStore());
    const { path } = await generatedFile('no-lists.ndjson', [{ seed: 11, days: 2, visitorsPerDay: 1_500, productLists: false }]);
    await ingestFiles(store, compilePipeline(definition), [path]);
  }, 120_000);
  afterAll(async () => cleanup());

  it('converts every session with an order, and interest is skipped, never a fake 100 %', async () => {
    const [orders] = await store.query<{ sessions: string }>(
      `SELECT countIf(has(path_stages, 'purchase')) AS sessions FROM sessions FINAL WHERE pipeline = 'ecommerce' AND is_deleted = 0`,
    );
    const withOrder = Number(orders!.sessions);
    expect(withOrder).toBeGreaterThan(10);
    const purchase = stageNames.indexOf('purchase');
    const interest = stageNames.indexOf('interest');
    for (const mode of FUNNEL_MODES.filter((m) => m !== 'any')) {
      const funnel = await readFunnel(store, { pipeline: 'ecommerce', stageNames, level: 'session', mode, range: {} });
      expect({ mode, purchased: funnel.stages[purchase]!.entered }).toEqual({ mode, purchased: withOrder });
      const stage = funnel.stages[interest]!;
      expect({ mode, skipped: stage.skipped, conversion: stage.conversion_to_next }).toEqual({ mode, skipped: stage.entered, conversion: null });
    }
  });

  it('bottlenecks finds transitions with people in them', async () => {
    const report = await analyzeBottlenecks(store, { pipeline: 'ecommerce', stageNames, dimensions: [], baseline: { kind: 'none' } });
    const checkout = report.bottlenecks.find((b) => b.from_stage === 'checkout')!;
    expect(checkout.entered).toBeGreaterThan(10);
    expect(checkout.conversion).toBeGreaterThan(0);
    expect(report.bottlenecks.filter((b) => b.bottleneck).length).toBeGreaterThan(0);
  });
});

import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore } from '../helpers/store.js';
import { generatedFile } from '../helpers/generated-input.js';
import { loadDefinition } from '../../src/journey/load-definition.js';
import { compilePipeline } from '../../src/pipeline/compiled-pipeline.js';
import { ingestFiles } from '../../src/pipeline/ingest-files.js';
import { analyzeBottlenecks, type BottleneckReport } from '../../src/analysis/bottleneck-report.js';
import { writeBottlenecks } from '../../src/analysis/bottleneck-table.js';
import { driverDimensions } from '../../src/cli/commands/bottlenecks.js';
import { readFunnel } from '../../src/metrics/funnel-reader.js';
import { FUNNEL_LEVELS, FUNNEL_MODES } from '../../src/journey/definition-schema.js';
import type { Store } from '../../src/stores/store.js';

const { definition } = loadDefinition('ecommerce', { pipelinesDir: 'pipelines' });
const pipeline = compilePipeline(definition);
const BREAK_MS = Date.parse('2026-11-04T00:00:00Z');
const END_MS = Date.parse('2026-11-06T00:00:00Z');

// Two normal days, then two days on which returning shoppers advance from interest to
// consideration half as often (a segment-specific bottleneck planted by the generator).
describe('bottlenecks on a planted segment-specific bottleneck', () => {
  let store: Store;
  let dir: string;
  let database: string;
  let cleanup: () => Promise<void>;
  let report: BottleneckReport;

  beforeAll(async () => {
    database = `t_${Math.random().toString(36).slice(2, 10)}`;
    ({ store, dir, cleanup } = await openTestStore(database));
    const input = await generatedFile('bottleneck.ndjson', [
      { seed: 11, start: '2026-11-02T00:00:00Z', days: 2, visitorsPerDay: 2500 },
      { seed: 12, start: '2026-11-04T00:00:00Z', days: 2, visitorsPerDay: 2500, bottleneck: { fromStage: 'interest', dimension: 'segment', value: 'returning', conversionFactor: 0.5 } },
    ]);
    await ingestFiles(store, pipeline, [input.path]);
    report = await analyzeBottlenecks(store, {
      pipeline: 'ecommerce',
      stageNames: pipeline.stageNames,
      dimensions: driverDimensions(definition),
      fromMs: BREAK_MS,
      toMs: END_MS,
      baseline: { kind: 'previous' },
    });
  });
  afterAll(async () => cleanup());

  it('ranks the planted transition first and names the right segment', () => {
    const [top] = report.bottlenecks;
    expect(report.baseline).toEqual({ fromMs: Date.parse('2026-11-02T00:00:00Z'), toMs: BREAK_MS });
    expect(top).toMatchObject({ rank: 1, from_stage: 'interest', to_stage: 'consideration', bottleneck: true, significant: true });
    expect(top!.p_value).toBeLessThan(0.001);
    // Only returning shoppers are halved, so the whole transition drops by a few points (4.7 with these seeds).
    expect(top!.conversion!).toBeLessThan(top!.baseline_conversion! - 0.03);
    expect(top!.drivers[0]).toMatchObject({ dimension: 'segment', value: 'returning' });
    expect(top!.drivers[0]!.share_of_loss).toBeGreaterThan(0.6);
    expect(top!.drivers[0]!.odds_ratio).toBeGreaterThan(1.5);
    expect(top!.sentence).toMatch(/^interest → consideration converts \d+% \(baseline \d+%, p < 0\.001\); segment=returning accounts for \d+% of the loss$/);
    console.log(`top bottleneck: ${top!.sentence}`);
  });

  it('reports every transition, with the z-test figures, and nothing else as a significant drop', () => {
    expect(report.bottlenecks).toHaveLength(pipeline.stageNames.length - 1);
    for (const b of report.bottlenecks.slice(1)) {
      expect(b.lost).toBe(b.entered - b.skipped - b.advanced);
      expect(b.conversion).toBeCloseTo(b.advanced / (b.entered - b.skipped), 12);
      expect(b.p_value).not.toBeNull();
      expect(b.sentence).toContain(`${b.from_stage} → ${b.to_stage} converts`);
    }
    // The planted step loses by far the most against the baseline. (In reached mode awareness → interest
    // also reads a little worse, −2 points at p ≈ 0.005: the second day's new visitors, not the plant.)
    const [planted, ...others] = report.bottlenecks;
    for (const b of others.filter((o) => o.bottleneck)) expect(b.lost_vs_baseline!).toBeLessThan(planted!.lost_vs_baseline! / 2);
  });

  // docs/semantics.md, "one number per stage": entered, skipped and advanced of every transition are the funnel's
  it.each(FUNNEL_LEVELS.flatMap((level) => FUNNEL_MODES.filter((mode) => mode !== 'any').map((mode) => ({ level, mode }))))(
    'entered, skipped and advanced are those of journeys funnel ($level, $mode)',
    async ({ level, mode }) => {
      const range = { fromMs: BREAK_MS, toMs: END_MS };
      const [funnel, ours] = await Promise.all([
        readFunnel(store, { pipeline: 'ecommerce', stageNames: pipeline.stageNames, level, mode, range }),
        analyzeBottlenecks(store, { pipeline: 'ecommerce', level, mode, stageNames: pipeline.stageNames, dimensions: driverDimensions(definition), ...range, baseline: { kind: 'none' } }),
      ]);
      expect(ours).toMatchObject({ level, mode });
      for (const b of ours.bottlenecks) {
        const stage = funnel.stages[b.stage_index - 1]!;
        expect({ entered: b.entered, skipped: b.skipped, advanced: b.advanced }, `${b.from_stage}`).toEqual({ entered: stage.entered, skipped: stage.skipped, advanced: stage.advanced });
        expect(b.conversion).toBe(stage.conversion_to_next === null ? null : b.conversion);
        if (stage.conversion_to_next !== null) expect(b.conversion).toBeCloseTo(stage.conversion_to_next, 6);
      }
    },
  );

  it('without a baseline ranks by share of all drop-off', async () => {
    const plain = await analyzeBottlenecks(store, { pipeline: 'ecommerce', stageNames: pipeline.stageNames, dimensions: driverDimensions(definition), baseline: { kind: 'none' } });
    expect(plain.baseline).toBeNull();
    const shares = plain.bottlenecks.map((b) => b.share_of_dropoff);
    expect(shares).toEqual([...shares].sort((a, b) => b - a));
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    // consideration → cart: most sessions that browse products never add one to a cart
    expect(plain.bottlenecks[0]!.sentence).toMatch(/^consideration → cart converts \d+%; [\d,]+ sessions drop here, \d+% of all drop-off; \w+=.+ accounts for \d+% of the loss$/);
  });

  it('persists the analysis, replacing it when the same periods are analysed again', async () => {
    await writeBottlenecks(store, report, { computedAtMs: Date.parse('2026-11-06T08:00:00Z') });
    await writeBottlenecks(store, report, { computedAtMs: Date.parse('2026-11-06T09:00:00Z') });
    const rows = await store.query<{ from_stage: string; rank: number; drivers: string; computed_at: string }>(
      "SELECT from_stage, rank, drivers, toString(computed_at) AS computed_at FROM bottlenecks FINAL WHERE pipeline = 'ecommerce' AND period_from = '2026-11-04 00:00:00' ORDER BY rank",
    );
    expect(rows).toHaveLength(7);
    expect(rows[0]).toMatchObject({ from_stage: 'interest', rank: 1, computed_at: '2026-11-06 09:00:00.000' });
    expect(JSON.parse(rows[0]!.drivers)[0]).toMatchObject({ dimension: 'segment', value: 'returning' });
  });

  it('journeys bottlenecks --json prints the ranked bottlenecks', async () => {
    await store.close();
    const result = spawnSync(
      process.execPath,
      ['bin/journeys.js', 'bottlenecks', '--pipeline', 'ecommerce', '--store', `embedded:${dir}`, '--database', database, '--from', '2026-11-04T00:00:00Z', '--to', '2026-11-06T00:00:00Z', '--baseline', 'previous', '--json'],
      { encoding: 'utf8', env: { ...process.env, JOURNEYS_STORE: '' } },
    );
    expect(result.status, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as { bottlenecks: Array<Record<string, unknown>> };
    expect(json.bottlenecks[0]).toMatchObject({
      from_stage: 'interest',
      to_stage: 'consideration',
      conversion: report.bottlenecks[0]!.conversion,
      baseline_conversion: report.bottlenecks[0]!.baseline_conversion,
      lost: report.bottlenecks[0]!.lost,
      p_value: report.bottlenecks[0]!.p_value,
      sentence: report.bottlenecks[0]!.sentence,
      drivers: expect.arrayContaining([expect.objectContaining({ dimension: 'segment', value: 'returning', odds_ratio: expect.any(Number), share_of_loss: expect.any(Number) })]),
    });
    const table = spawnSync(process.execPath, ['bin/journeys.js', 'bottlenecks', '--pipeline', 'ecommerce', '--store', `embedded:${dir}`, '--database', database, '--from', '2026-11-04T00:00:00Z', '--baseline', '2d'], {
      encoding: 'utf8',
      env: { ...process.env, JOURNEYS_STORE: '' },
    });
    expect(table.stdout).toContain('1. interest → consideration converts');
    expect(table.stdout).toMatch(/segment\s+returning/);
  });
});

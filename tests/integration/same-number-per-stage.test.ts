import { createWriteStream, mkdtempSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore } from '../helpers/store.js';
import { writeGenerated } from '../../src/cli/commands/generate.js';
import { loadDefinition } from '../../src/journey/load-definition.js';
import { FUNNEL_LEVELS, FUNNEL_MODES, type FunnelMode, type JourneyDefinition } from '../../src/journey/definition-schema.js';
import { compilePipeline } from '../../src/pipeline/compiled-pipeline.js';
import { ingestFiles } from '../../src/pipeline/ingest-files.js';
import { readFunnel } from '../../src/metrics/funnel-reader.js';
import { abandonmentReport } from '../../src/metrics/abandonment-report.js';
import { analyzeBottlenecks } from '../../src/analysis/bottleneck-report.js';
import { bindParams, loadNamedQuery } from '../../src/stores/query-catalog.js';
import { readSql } from '../../src/stores/sql-files.js';
import { rangeParams, segmentParams } from '../../src/metrics/time-range.js';
import { segmentFunnelSql } from '../../src/metrics/segment-funnel-sql.js';
import type { Store } from '../../src/stores/store.js';

/**
 * One number per stage (docs/semantics.md): for the same pipeline, mode and
 * level, stage k's `entered` is the same in the funnel, in every abandonment
 * rule from k (`started`), in the bottleneck transition k → k+1, in the
 * funnel_hourly rollup, in the named query funnel_by_stage, and in a count
 * straight from the stored sessions or journeys. Every shipped pipeline, on
 * generated data, both levels, every mode.
 */
const PIPELINES = [
  { name: 'ecommerce', generate: { scenario: 'ecommerce', days: 2, visitorsPerDay: 900, seed: 7 }, ext: 'ndjson' },
  { name: 'b2b-saas', generate: { scenario: 'b2b-saas', days: 21, visitorsPerDay: 150, seed: 8 }, ext: 'ndjson' },
  { name: 'rees46', generate: { scenario: 'rees46', days: 2, visitorsPerDay: 900, seed: 9 }, ext: 'csv' },
] as const;

/** Straight from the stored rows, written another way than the rollup (indexOf instead of ARRAY JOIN of the modes). */
const FROM_STORE = `
SELECT k AS stage_index, count() AS entered
FROM
(
    SELECT funnel_levels[indexOf(funnel_modes, {mode:String})] AS l
    FROM {table:Identifier} FINAL
    WHERE pipeline = {pipeline:String} AND is_deleted = 0 AND funnel_excluded[indexOf(funnel_modes, {mode:String})] = 0
      AND start >= fromUnixTimestamp64Milli({from_ms:Int64}, 'UTC') AND start < fromUnixTimestamp64Milli({to_ms:Int64}, 'UTC')
)
ARRAY JOIN range(1, l + 1) AS k
GROUP BY k ORDER BY k`;

const FROM_ROLLUP = `
SELECT stage_index, sum(entered) AS entered FROM funnel_hourly
WHERE pipeline = {pipeline:String} AND level = {level:String} AND mode = {mode:String}
  AND hour >= fromUnixTimestamp64Milli({from_ms:Int64}, 'UTC') AND hour < fromUnixTimestamp64Milli({to_ms:Int64}, 'UTC')
GROUP BY stage_index ORDER BY stage_index`;

const HOUR = 3_600_000;
const ALL = { fromMs: 0, toMs: Date.UTC(2200, 0, 1) };

const byStage = (rows: Array<{ stage_index: number | string; entered: number | string }>, stageCount: number): number[] => {
  const entered = new Array<number>(stageCount).fill(0);
  for (const row of rows) entered[Number(row.stage_index) - 1] = Number(row.entered);
  return entered;
};

describe('the same number for the same stage everywhere', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  const definitions = new Map<string, JourneyDefinition>();

  beforeAll(async () => {
    ({ store, cleanup } = await openTestStore());
    for (const p of PIPELINES) {
      const path = join(mkdtempSync(join(tmpdir(), 'journeys-same-')), `${p.name}.${p.ext}`);
      const out = createWriteStream(path);
      await writeGenerated(p.generate, out);
      out.end();
      await once(out, 'finish');
      const { definition } = loadDefinition(p.name, { pipelinesDir: 'pipelines' });
      definitions.set(p.name, definition);
      await ingestFiles(store, compilePipeline(definition), [path]);
    }
  }, 300_000);
  afterAll(async () => cleanup());

  const cases = PIPELINES.flatMap((p) =>
    FUNNEL_LEVELS.flatMap((level) => FUNNEL_MODES.map((mode) => ({ pipeline: p.name, level, mode, period: 'all time' as const }))),
  );
  // A part of the data, not on hour boundaries: every report rounds both ends down to the hour the same way.
  const parts = PIPELINES.flatMap((p) => FUNNEL_LEVELS.map((level) => ({ pipeline: p.name, level, mode: 'reached' as FunnelMode, period: 'part' as const })));

  it.each([...cases, ...parts])('$pipeline, level $level, mode $mode, $period', async ({ pipeline, level, mode, period }) => {
    const definition = definitions.get(pipeline)!;
    const stageNames = definition.stages.map((s) => s.name);
    const n = stageNames.length;
    const table = level === 'session' ? 'sessions' : 'journeys';
    let range = ALL;
    if (period === 'part') {
      const [extent] = await store.query<{ first: number | string; last: number | string }>(
        `SELECT toUnixTimestamp64Milli(min(start)) AS first, toUnixTimestamp64Milli(max(start)) AS last FROM {table:Identifier} FINAL WHERE pipeline = {pipeline:String}`,
        { table, pipeline },
      );
      const first = Number(extent!.first);
      const last = Number(extent!.last);
      range = { fromMs: first + Math.round((last - first) / 3) + 0.5 * HOUR + 17, toMs: first + Math.round((2 * (last - first)) / 3) + 0.25 * HOUR };
    }
    const floored = { from_ms: Math.floor(range.fromMs / HOUR) * HOUR, to_ms: Math.floor(range.toMs / HOUR) * HOUR };

    const funnel = (await readFunnel(store, { pipeline, stageNames, level, mode, range })).stages.map((s) => s.entered);
    // Generated data reaches several stages: the comparison is not of zeros
    // (a B2B session rarely holds more than a visit and a signup).
    expect(funnel[0]).toBeGreaterThan(period === 'part' ? 5 : 20);
    expect(funnel.filter((entered) => entered > 0).length).toBeGreaterThanOrEqual(2);

    const stored = byStage(await store.query(FROM_STORE, { table, pipeline, mode, ...floored }), n);
    const rollup = byStage(await store.query(FROM_ROLLUP, { pipeline, level, mode, ...floored }), n);
    const named = loadNamedQuery('funnel_by_stage')!;
    const given = { pipeline, level, mode, from: new Date(range.fromMs).toISOString(), to: new Date(range.toMs).toISOString() };
    const query = byStage(await store.query(named.sql, bindParams(named, period === 'part' ? given : { pipeline, level, mode })), n);
    expect({ stored, rollup, query }).toEqual({ stored: funnel, rollup: funnel, query: funnel });

    // The funnel overall and per segment reads funnel_segment_hourly: every figure, the exact quantiles too, is funnel_hourly's.
    const params = { pipeline, level, mode, ...rangeParams(range), ...segmentParams(undefined) };
    const fromHourly = async (by: string) => store.query<Record<string, unknown>>(readSql('metrics/funnel_from_rollup.sql'), { ...params, by });
    const withoutFlag = (rows: Array<Record<string, unknown>>, overall: number) => rows.filter((r) => Number(r['overall']) === overall).map(({ overall: _, ...rest }) => rest);
    const overallOnly = await store.query<Record<string, unknown>>(segmentFunnelSql({ perSegment: false, times: true }), params);
    const perSegment = await store.query<Record<string, unknown>>(segmentFunnelSql({ perSegment: true, times: true }), params);
    const countsOnly = await store.query<Record<string, unknown>>(segmentFunnelSql({ perSegment: true, times: false }), params);
    expect(withoutFlag(perSegment, 0).length).toBeGreaterThan(0);
    expect(withoutFlag(overallOnly, 1)).toEqual(await fromHourly(''));
    expect(withoutFlag(perSegment, 1)).toEqual(await fromHourly(''));
    expect(withoutFlag(perSegment, 0)).toEqual(await fromHourly('segment'));
    expect(countsOnly).toEqual(perSegment.map(({ time_to_next_ms: _t, time_in_stage_ms: _s, ...counts }) => counts));

    const bottlenecks = await analyzeBottlenecks(store, {
      pipeline, stageNames, level, mode, dimensions: [], baseline: { kind: 'none' },
      ...(period === 'part' ? { fromMs: range.fromMs, toMs: range.toMs } : {}),
    });
    for (const transition of bottlenecks.bottlenecks) {
      expect({ stage: transition.from_stage, entered: transition.entered }).toEqual({ stage: transition.from_stage, entered: funnel[transition.stage_index - 1] });
    }
    expect(bottlenecks.bottlenecks).toHaveLength(n - 1);

    // No abandonment rule is counted in `any` mode: row k there means "k stages done".
    if (mode === 'any') return;
    const rules = await abandonmentReport(store, { pipeline, rules: definition.abandonment, level, mode, range });
    expect(rules.length).toBe(definition.abandonment.length);
    for (const rule of rules) {
      expect({ rule: rule.rule, started: rule.started }).toEqual({ rule: rule.rule, started: funnel[stageNames.indexOf(rule.from)] });
    }
  });
});

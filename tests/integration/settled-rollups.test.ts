import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, writeTemp } from '../helpers/store.js';
import { at, track } from '../helpers/segment.js';
import { loadDefinition } from '../../src/journey/load-definition.js';
import { compilePipeline } from '../../src/pipeline/compiled-pipeline.js';
import { ingestFiles } from '../../src/pipeline/ingest-files.js';
import { refreshRollups } from '../../src/pipeline/rollup-refresh.js';
import { generateEvents } from '../../src/sources/generator/index.js';
import type { QueryParams, Store } from '../../src/stores/store.js';
import { toClickHouseDateTime } from '../../src/stores/datetime.js';

const DAY_MS = 86_400_000;
const START = Date.UTC(2026, 10, 2);

/** The stream's watermark as the run left it (the file run's checkpoint): a rebuild after the run judges journeys as the run did. */
async function watermark(store: Store, pipeline: string): Promise<number> {
  const [row] = await store.query<{ ms: number | string }>('SELECT max(watermark_ms) AS ms FROM stream_state FINAL WHERE pipeline = {p:String}', { p: pipeline });
  return Number(row!.ms);
}

/** Every rollup row of the pipeline, in a fixed order. */
async function rollups(store: Store, pipeline: string): Promise<string> {
  const tables = ['funnel_hourly', 'funnel_segment_hourly', 'funnel_driver_hourly', 'abandonment_5m', 'stage_transitions_hourly', 'touchpoint_transitions_hourly', 'stage_activity_hourly', 'entry_touchpoint_hourly'];
  const parts = [];
  for (const table of tables) {
    // Quantile states are compared through their merged values, time arrays sorted.
    const rows = await store.query(
      table === 'funnel_hourly'
        ? `SELECT * EXCEPT (time_to_next, time_in_stage), quantilesExactInclusiveMerge(0.5, 0.9)(time_to_next) AS q, quantilesExactInclusiveMerge(0.5, 0.9)(time_in_stage) AS q_in FROM ${table} WHERE pipeline = {p:String} GROUP BY ALL ORDER BY ALL`
        : table === 'funnel_segment_hourly'
          ? `SELECT * EXCEPT (times_to_next_ms, times_in_stage_ms), arraySort(times_to_next_ms) AS t, arraySort(times_in_stage_ms) AS t_in FROM ${table} WHERE pipeline = {p:String} ORDER BY ALL`
          : table === 'stage_activity_hourly'
            ? `SELECT * EXCEPT (comments), groupArraySortedMerge(3)(comments) AS c FROM ${table} WHERE pipeline = {p:String} GROUP BY ALL ORDER BY ALL`
            : `SELECT * FROM ${table} WHERE pipeline = {p:String} ORDER BY ALL`,
      { p: pipeline },
    );
    parts.push({ table, rows });
  }
  parts.push({
    table: 'journeys',
    rows: await store.query('SELECT * EXCEPT (version) FROM journeys FINAL WHERE pipeline = {p:String} ORDER BY key, journey_id', { p: pipeline }),
  });
  return JSON.stringify(parts);
}

/** The store, noting the first day of every rebuild of funnel_hourly (one statement per run of consecutive days). */
function countingRebuilds(store: Store, rebuilds: { runs: string[] }): Store {
  const note = (params: QueryParams | undefined) => {
    if (String(params?.['staging'] ?? '').startsWith('funnel_hourly_staging_')) rebuilds.runs.push(String(params!['day_start']));
  };
  return {
    description: store.description,
    command: (sql, params) => (note(params), store.command(sql, params)),
    query: <Row>(sql: string, params?: QueryParams) => store.query<Row>(sql, params),
    queryText: (sql, params) => store.queryText(sql, params),
    insertCompactRows: (table, columns, rows) => store.insertCompactRows(table, columns, rows),
    close: () => store.close(),
  };
}

describe('rollups of settled days are rebuilt during a file run', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ store, cleanup } = await openTestStore()));
  afterAll(async () => cleanup());

  const definition = loadDefinition('ecommerce', { pipelinesDir: 'pipelines' }).definition;
  // Day-long journeys: a day settles two days past its start, once its sessions (24 h) and journeys have ended.
  const dayLongJourneys = { ...definition, funnel: { ...definition.funnel, journeyWindow: DAY_MS } };
  // Six days (and the spill into a seventh) of generated traffic, noise included.
  const generated = () => [...generateEvents({ scenario: 'ecommerce', seed: 5, days: 6, visitorsPerDay: 100, start: new Date(START).toISOString() })].map((g) => g.line);
  const allDays = [0, 1, 2, 3, 4, 5, 6].map((d) => START + d * DAY_MS);

  it('leaves only the days not yet rebuilt for the end of the run', async () => {
    const pipeline = compilePipeline({ ...dayLongJourneys, name: 'settled_a' });
    let finalDays = 0;
    await ingestFiles(store, pipeline, [writeTemp('days.ndjson', generated())], { onRollupDay: (_done, total) => (finalDays = total) });
    // The first day settles (its sessions and journeys all ended) while the run goes on;
    // how many more are rebuilt before the end depends on timing.
    expect(finalDays).toBeGreaterThan(0);
    expect(finalDays).toBeLessThan(allDays.length);
    // A day rebuilt early saw all of its sessions (they are inserted before the rebuild runs).
    const duringRun = await rollups(store, 'settled_a');
    // Both levels and every mode are rolled up; journeys and touchpoint steps too.
    const views = await store.query<{ level: string; mode: string }>(
      "SELECT DISTINCT level, mode FROM funnel_hourly WHERE pipeline = 'settled_a' ORDER BY level, mode",
    );
    expect(views.map((v) => `${v.level}/${v.mode}`)).toEqual(['person/any', 'person/ordered', 'person/reached', 'person/strict', 'session/any', 'session/ordered', 'session/reached', 'session/strict']);
    const [touchpoints] = await store.query<{ n: number }>("SELECT count() AS n FROM touchpoint_transitions_hourly WHERE pipeline = 'settled_a'");
    expect(Number(touchpoints!.n)).toBeGreaterThan(0);
    await refreshRollups(store, { pipeline, days: allDays, watermarkMs: await watermark(store, 'settled_a') });
    expect(await rollups(store, 'settled_a')).toBe(duringRun);
  });

  it('gives the rollups of a full rebuild, also when a late event changes a day rebuilt early', async () => {
    const pipeline = compilePipeline({ ...dayLongJourneys, name: 'settled_b' });
    // Arrives after everything else: an event of the first day, long after that day was rebuilt.
    const lines = [...generated(), track('Order Completed', { id: 'very-late', anonymousId: 'late-visitor', at: at(0) })];
    const summary = await ingestFiles(store, pipeline, [writeTemp('days-late.ndjson', lines)]);
    expect(summary.valid).toBeGreaterThan(2_500);
    const duringRun = await rollups(store, 'settled_b');
    const [late] = await store.query<{ n: number }>("SELECT count() AS n FROM sessions FINAL WHERE pipeline = 'settled_b' AND key = 'a:late-visitor' AND is_deleted = 0");
    expect(late!.n).toBe(1);
    await refreshRollups(store, { pipeline, days: allDays, watermarkMs: await watermark(store, 'settled_b') });
    expect(await rollups(store, 'settled_b')).toBe(duringRun);
  });

  it('rebuilds no day before the end while its journeys are open (a week), each day once', async () => {
    const pipeline = compilePipeline({ ...definition, name: 'settled_c' });
    const rebuilds = { runs: [] as string[] };
    await ingestFiles(countingRebuilds(store, rebuilds), pipeline, [writeTemp('days-week.ndjson', generated())]);
    // One statement, at the end, for the run of every day from the first. Waiting out the sessions alone settles
    // the first day on the third, and each journey still open then reports its start day again at every rebuild.
    expect(rebuilds.runs).toEqual([toClickHouseDateTime(START)]);
    const atEnd = await rollups(store, 'settled_c');
    await refreshRollups(store, { pipeline, days: allDays, watermarkMs: await watermark(store, 'settled_c') });
    expect(await rollups(store, 'settled_c')).toBe(atEnd);
  });

  it('gives the same rollups when several writers rebuild the same days at once', async () => {
    const pipeline = compilePipeline({ ...dayLongJourneys, name: 'settled_b' });
    const expected = await rollups(store, 'settled_b');
    const watermarkMs = await watermark(store, 'settled_b');
    const rebuild = () => refreshRollups(store, { pipeline, days: allDays, watermarkMs });
    await Promise.all([rebuild(), rebuild(), rebuild()]);
    expect(await rollups(store, 'settled_b')).toBe(expected);
    // Each rebuild dropped its own staging tables.
    const [left] = await store.query<{ n: number }>("SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND match(name, '_staging_[0-9a-f]+$')");
    expect(left!.n).toBe(0);
  });
});

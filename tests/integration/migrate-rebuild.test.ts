import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openTestStore } from '../helpers/store.js';
import { generatedFile } from '../helpers/generated-input.js';
import { loadDefinition, parseDefinition } from '../../src/journey/load-definition.js';
import { compilePipeline, type CompiledPipeline } from '../../src/pipeline/compiled-pipeline.js';
import { ingestFiles } from '../../src/pipeline/ingest-files.js';
import { inspectStore, needsRebuild, rebuildStore, type RebuildProgress } from '../../src/pipeline/rebuild-store.js';
import type { Store } from '../../src/stores/store.js';
import { EmbeddedStore } from '../../src/stores/embedded-store.js';
import { run as migrateCommand } from '../../src/cli/commands/migrate.js';
import { migrate } from '../../src/stores/migrate.js';

const ROLLUPS = ['funnel_hourly', 'funnel_segment_hourly', 'funnel_driver_hourly', 'abandonment_5m', 'stage_transitions_hourly', 'touchpoint_transitions_hourly', 'stage_activity_hourly', 'entry_touchpoint_hourly'];

function pipelineNamed(name: string): CompiledPipeline {
  const { definition } = loadDefinition('ecommerce', { pipelinesDir: 'pipelines' });
  return compilePipeline({ ...definition, name });
}

/** ecommerce with an exclusion: a shopper who signs in between landing and a product view is left out. */
function excludingPipeline(name: string): CompiledPipeline {
  const yaml = readFileSync('pipelines/ecommerce.yaml', 'utf8')
    .replace(/^name: ecommerce$/m, `name: ${name}`)
    .replace('    description: Looked at a product (viewed, wish-listed or shared it).\n', (line) => `${line}    exclude:\n      - event: Signed In\n`);
  return compilePipeline(parseDefinition(yaml, `${name}.yaml`));
}

/** Sessions FINAL (tombstones left out) without the pipeline's name. */
async function sessions(store: Store, pipeline: string): Promise<unknown[]> {
  return store.query(`SELECT * EXCEPT (pipeline) FROM sessions FINAL WHERE pipeline = {p:String} AND is_deleted = 0 ORDER BY key, start, session_id`, { p: pipeline });
}

/** Every rollup row and journey of the pipeline, without its name. */
async function derived(store: Store, pipeline: string): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of ROLLUPS) {
    out[table] = await store.query(
      table === 'funnel_hourly'
        ? `SELECT * EXCEPT (pipeline, time_to_next, time_in_stage), quantilesExactInclusiveMerge(0.5, 0.9)(time_to_next) AS q, quantilesExactInclusiveMerge(0.5, 0.9)(time_in_stage) AS q_in FROM ${table} WHERE pipeline = {p:String} GROUP BY ALL ORDER BY ALL`
        : table === 'funnel_segment_hourly'
          ? `SELECT * EXCEPT (pipeline, times_to_next_ms, times_in_stage_ms), arraySort(times_to_next_ms) AS t, arraySort(times_in_stage_ms) AS t_in FROM ${table} WHERE pipeline = {p:String} ORDER BY ALL`
          : table === 'stage_activity_hourly'
            ? `SELECT * EXCEPT (pipeline, comments), groupArraySortedMerge(3)(comments) AS c FROM ${table} WHERE pipeline = {p:String} GROUP BY ALL ORDER BY ALL`
            : `SELECT * EXCEPT (pipeline) FROM ${table} WHERE pipeline = {p:String} ORDER BY ALL`,
      { p: pipeline },
    );
  }
  out['journeys'] = await store.query('SELECT * EXCEPT (pipeline, version) FROM journeys FINAL WHERE pipeline = {p:String} AND is_deleted = 0 ORDER BY key, journey_id', { p: pipeline });
  return out;
}

/**
 * What a store written before migration 006 looks like after its ALTERs: the
 * events and sessions rows are there, the sessions' new columns are empty,
 * the rollups and journeys are gone.
 */
async function makeOld(store: Store, pipeline: string): Promise<void> {
  await store.command(
    `ALTER TABLE sessions UPDATE funnel_modes = [], funnel_levels = [], funnel_skipped = [], funnel_excluded = [], funnel_reached = [],
       funnel_step_ms = [], progress_path = [], touchpoint_path = [], abandonment_modes = []
     WHERE pipeline = {p:String} SETTINGS mutations_sync = 2`,
    { p: pipeline },
  );
  for (const table of [...ROLLUPS, 'journeys']) {
    await store.command(`ALTER TABLE ${table} DELETE WHERE pipeline = {p:String} SETTINGS mutations_sync = 2`, { p: pipeline });
  }
}

describe('journeys migrate rebuilds a store written before the journey model', () => {
  let store: Store;
  let dir: string;
  const database = 'migrate_rebuild';
  const fresh = pipelineNamed('fresh');
  const old = pipelineNamed('old');
  // Rebuilt through the CLI. A rebuild that writes the very rows an earlier one wrote is dropped
  // as a duplicate insert (sessions keep a deduplication window), so it gets a store of its own.
  const older = pipelineNamed('older');
  const excludedOld = excludingPipeline('xold');
  const excludedFresh = excludingPipeline('xfresh');

  beforeAll(async () => {
    ({ store, dir } = await openTestStore(database));
    // Two days with the generator's noise: late (repaired) events, duplicates, malformed lines; open sessions at the end.
    const { path } = await generatedFile('shop.ndjson', [{ seed: 7, days: 2, visitorsPerDay: 150 }]);
    const quiet = { onWarning: () => undefined };
    await ingestFiles(store, old, [path], quiet);
    await makeOld(store, old.name);
    await ingestFiles(store, older, [path], quiet);
    await makeOld(store, older.name);
    await ingestFiles(store, fresh, [path], quiet);
    await ingestFiles(store, excludedOld, [path], quiet);
    await makeOld(store, excludedOld.name);
    await ingestFiles(store, excludedFresh, [path], quiet);
  }, 240_000);
  afterAll(async () => {
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('finds the stale sessions of the old pipeline only', async () => {
    const states = await inspectStore(store);
    const byName = Object.fromEntries(states.map((s) => [s.pipeline, s]));
    expect(byName['old']!.staleSessions).toBe(byName['old']!.sessions);
    expect(byName['old']!.rollupRows).toBe(0);
    expect(needsRebuild(byName['old']!)).toBe('sessions');
    expect(byName['fresh']).toMatchObject({ staleSessions: 0 });
    expect(byName['fresh']!.rollupRows).toBeGreaterThan(0);
    expect(needsRebuild(byName['fresh']!)).toBeUndefined();
  });

  it('rebuilds sessions, journeys and rollups equal to a fresh ingest of the same events', async () => {
    const progress: RebuildProgress[] = [];
    const result = await rebuildStore(store, old, { onProgress: (p) => progress.push(p) });
    expect(result.streams).toEqual(['files']);
    expect(result.tombstones).toBe(0);
    expect(result.openSessions).toBeGreaterThan(0);
    expect(result.days.length).toBeGreaterThanOrEqual(2);
    expect(progress.filter((p) => p.phase === 'rollups').at(-1)).toMatchObject({ daysDone: result.rollupDaysRebuilt, daysTotal: result.rollupDaysRebuilt });

    const rebuilt = await sessions(store, old.name);
    expect(rebuilt.length).toBe(result.sessions);
    expect(rebuilt).toEqual(await sessions(store, fresh.name));
    const rollups = await derived(store, old.name);
    for (const table of [...ROLLUPS, 'journeys']) expect(rollups[table]!.length, table).toBeGreaterThan(0);
    expect(rollups).toEqual(await derived(store, fresh.name));
    const state = (await inspectStore(store)).find((s) => s.pipeline === old.name)!;
    expect(needsRebuild(state)).toBeUndefined();
  });

  it('keeps exclusions: they are read back from the stored events', async () => {
    const [row] = await store.query<{ n: number | string }>(
      "SELECT count() AS n FROM sessions FINAL WHERE pipeline = 'xfresh' AND is_deleted = 0 AND has(funnel_excluded, 1)",
    );
    expect(Number(row!.n)).toBeGreaterThan(0);
    await rebuildStore(store, excludedOld);
    expect(await sessions(store, excludedOld.name)).toEqual(await sessions(store, excludedFresh.name));
    expect(await derived(store, excludedOld.name)).toEqual(await derived(store, excludedFresh.name));
  });

  it('rebuilds only the rollups when the sessions are current, and a second rebuild changes nothing', async () => {
    for (const table of ROLLUPS) await store.command(`ALTER TABLE ${table} DELETE WHERE pipeline = 'old' SETTINGS mutations_sync = 2`);
    const state = (await inspectStore(store)).find((s) => s.pipeline === old.name)!;
    expect(needsRebuild(state)).toBe('rollups');
    const result = await rebuildStore(store, old, { sessions: false });
    expect(result).toMatchObject({ streams: [], sessions: 0 });
    expect(await derived(store, old.name)).toEqual(await derived(store, fresh.name));

    await rebuildStore(store, old);
    expect(await sessions(store, old.name)).toEqual(await sessions(store, fresh.name));
    expect(await derived(store, old.name)).toEqual(await derived(store, fresh.name));
  });

  it.each([
    ['011_funnel_segment_rollup', 'funnel_segment_hourly'],
    ['012_funnel_driver_rollup', 'funnel_driver_hourly'],
  ])('fills the rollup of a store from before migration %s (%s) from its funnel_hourly, as a refresh builds it; applied again it adds nothing', async (version, table) => {
    const built = (await derived(store, fresh.name))[table]!;
    expect(built.length).toBeGreaterThan(0);
    const forget = () => store.command('ALTER TABLE schema_migrations DELETE WHERE version = {version:String} SETTINGS mutations_sync = 2', { version });
    // A store before the migration: no such rows (the table is created empty by it).
    await store.command(`TRUNCATE TABLE ${table}`);
    await forget();
    expect((await migrate(store)).filter((r) => r.applied).map((r) => r.version)).toEqual([version]);
    expect((await derived(store, fresh.name))[table]).toEqual(built);
    // Interrupted after the backfill and before the ledger row: applied again, nothing twice.
    await forget();
    await migrate(store);
    expect((await derived(store, fresh.name))[table]).toEqual(built);
  });

  it('reads a stream\'s keys a page at a time, each page after the last key of the one before, and rebuilds the same', async () => {
    const all = (await store.query<{ key: string }>("SELECT DISTINCT key FROM events WHERE pipeline = 'old' AND stream = 'files' ORDER BY key")).map((r) => r.key);
    const pages: string[][] = [];
    const paged = new Proxy(store, {
      get(target, name) {
        const value = Reflect.get(target, name, target) as unknown;
        if (name !== 'query' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
        return async (sql: string, params?: Record<string, unknown>) => {
          const rows = (await target.query(sql, params)) as Array<{ key: string }>;
          if (/SELECT DISTINCT key FROM events[\s\S]*LIMIT/.test(sql)) pages.push(rows.map((r) => r.key));
          return rows;
        };
      },
    });
    const progress: RebuildProgress[] = [];
    const result = await rebuildStore(paged, old, { keysPerRound: 40, onProgress: (p) => progress.push(p) });
    expect(result.keys).toBe(all.length);
    expect(pages.length).toBe(Math.floor(all.length / 40) + 1);
    for (const page of pages) expect(page.length).toBeLessThanOrEqual(40);
    expect(pages.flat()).toEqual(all); // in order, each key once
    const keyProgress = progress.filter((p) => p.phase === 'sessions');
    for (const p of keyProgress) expect(p.keysDone).toBeLessThanOrEqual(p.keysTotal);
    // A report after every round: 0, 40, 80, …, then the exact total.
    const fullRounds = Array.from({ length: Math.ceil(all.length / 40) - 1 }, (_, i) => (i + 1) * 40);
    expect(keyProgress.map((p) => p.keysDone)).toEqual([0, ...fullRounds, all.length]);
    expect(keyProgress.at(-1)).toMatchObject({ keysDone: all.length, keysTotal: all.length });
    expect(await sessions(store, old.name)).toEqual(await sessions(store, fresh.name));
    expect(await derived(store, old.name)).toEqual(await derived(store, fresh.name));
  });

  it('journeys migrate says what to run without --pipeline, and rebuilds with it', async () => {
    await store.close();
    const yaml = join(dir, 'older.yaml');
    writeFileSync(yaml, readFileSync('pipelines/ecommerce.yaml', 'utf8').replace(/^name: ecommerce$/m, 'name: older'));
    const printed = async (argv: string[]): Promise<string> => {
      const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
      try {
        expect(await migrateCommand([...argv, '--store', `embedded:${dir}`, '--database', database])).toBe(0);
        return log.mock.calls.map((call) => call.join(' ')).join('\n');
      } finally {
        log.mockRestore();
      }
    };
    const hint = await printed([]);
    expect(hint).toMatch(/^older: (\d+) of \1 sessions were written by an earlier version \(no funnel progress\); stores written by an earlier version need journeys migrate --pipeline older to rebuild them from events$/m);
    expect(hint).not.toMatch(/^(old|fresh):/m);
    const rebuilt = await printed(['--pipeline', yaml]);
    expect(rebuilt).toMatch(/^older: rebuilt \d+ sessions of \d+ keys from events \(stream files, \d+ of them still open; \d+ were written by an earlier version\)$/m);
    expect(rebuilt).not.toMatch(/^(old|fresh):/m);
    expect(rebuilt).toMatch(/^older: rebuilt journeys and rollups of \d+ days \(2026-11-02 to 2026-11-0\d\)$/m);
    expect(await printed(['--pipeline', yaml])).toMatch(/^older: sessions, journeys and rollups are up to date; nothing to rebuild$/m);
    store = await EmbeddedStore.open({ dir, database });
    expect(await sessions(store, older.name)).toEqual(await sessions(store, fresh.name));
    expect(await derived(store, older.name)).toEqual(await derived(store, fresh.name));
  });
});

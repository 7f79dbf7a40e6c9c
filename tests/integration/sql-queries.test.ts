import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, writeTemp } from '../helpers/store.js';
import { at, page, track } from '../helpers/segment.js';
import { loadDefinition } from '../../src/journey/load-definition.js';
import { compilePipeline } from '../../src/pipeline/compiled-pipeline.js';
import { ingestFiles } from '../../src/pipeline/ingest-files.js';
import { writeGenerated } from '../../src/cli/commands/generate.js';
import { bindParams, listNamedQueries, loadNamedQuery, placeholdersOf } from '../../src/stores/query-catalog.js';
import type { Store } from '../../src/stores/store.js';

/**
 * The analysts' queries (sql/queries/) on a hand-made journey whose every
 * figure is computed by hand below, the rollup funnel against windowFunnel
 * over the raw events on generated traffic with real-world noise, `journeys
 * sql` as a user runs it, and the Grafana dashboard's SQL on the same schema.
 *
 * The hand-made sessions (minutes after 10:00 on 2026-11-02):
 *   a: page 0, search 1, product viewed 2, added 4, checkout 6, order 9  → level 6 in every mode
 *   b: page 0, product viewed 2       → reached 3 (interest skipped); ordered 3 too (ecommerce's
 *                                       interest is optional), windowFunnel 1
 *   c: page 10, checkout 12 (no order: checkout abandoned) → reached 5 (interest, consideration,
 *                                       cart skipped); ordered 1 (cart is not optional)
 *   z: page 600 (moves the watermark past the others; its session stays open) → 1
 */
const HAND = [
  page('/', { anonymousId: 'a', at: at(0) }),
  track('Products Searched', { anonymousId: 'a', at: at(1) }),
  track('Product Viewed', { anonymousId: 'a', at: at(2) }),
  track('Product Added', { anonymousId: 'a', at: at(4) }),
  track('Checkout Started', { anonymousId: 'a', at: at(6) }),
  track('Order Completed', { anonymousId: 'a', at: at(9) }),
  page('/', { anonymousId: 'b', at: at(0) }),
  track('Product Viewed', { anonymousId: 'b', at: at(2) }),
  page('/', { anonymousId: 'c', at: at(10) }),
  track('Checkout Started', { anonymousId: 'c', at: at(12) }),
  page('/', { anonymousId: 'z', at: at(600) }),
  'not json',
  'not json',
  // An array is its elements (docs/events.md): three dead letters, one per number.
  '[1,2,3]',
];

const run = async <Row = Record<string, unknown>>(store: Store, name: string, given: Record<string, string>): Promise<Row[]> => {
  const query = loadNamedQuery(name)!;
  return store.query<Row>(query.sql, bindParams(query, given));
};

describe('sql/queries', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ store, cleanup } = await openTestStore());
    const { definition } = loadDefinition('ecommerce', { pipelinesDir: 'pipelines' });
    await ingestFiles(store, compilePipeline(definition), [writeTemp('hand.ndjson', HAND)]);
  });
  afterAll(async () => cleanup());

  it('every query declares exactly the parameters it uses, and runs with its defaults', async () => {
    const names = listNamedQueries();
    expect(names).toEqual(
      expect.arrayContaining(['funnel_by_stage', 'funnel_ordered_raw', 'time_to_next_stage', 'dropoff_by_dimension', 'stage_transitions',
        'abandonment_rate_5m', 'top_exit_touchpoints', 'identity_journey', 'dead_letters_by_reason']),
    );
    for (const name of names) {
      const query = loadNamedQuery(name)!;
      expect(query.title, name).not.toBe('');
      const declared = Object.fromEntries(query.params.map((p) => [p.name, p.type]));
      expect(Object.fromEntries(placeholdersOf(query.sql)), name).toEqual(declared);
      const required = Object.fromEntries(query.params.filter((p) => p.defaultValue === undefined).map((p) => [p.name, p.name === 'pipeline' ? 'ecommerce' : 'a']));
      await expect(run(store, name, required), name).resolves.toBeInstanceOf(Array);
    }
  });

  type FunnelRow = { stage: string; entered: number; skipped: number; advanced: number; dropped: number; conversion_to_next: number | null };
  const funnelRows = (rows: FunnelRow[]) => rows.map((r) => [r.stage, r.entered, r.skipped, r.advanced, r.dropped, r.conversion_to_next]);

  it('funnel_by_stage: entered, skipped, advanced, drop-off per stage (reached by default, and ordered)', async () => {
    const reached = await run<FunnelRow>(store, 'funnel_by_stage', { pipeline: 'ecommerce' });
    // [stage, entered, skipped, advanced, dropped = entered − skipped − advanced, advanced / (entered − skipped)]
    expect(funnelRows(reached)).toEqual([
      ['awareness', 4, 0, 3, 1, 0.75],
      ['interest', 3, 2, 1, 0, 1], // b and c passed it
      ['consideration', 3, 1, 1, 1, 0.5], // c passed it; b ends here
      ['cart', 2, 1, 1, 0, 1],
      ['checkout', 2, 0, 1, 1, 0.5], // c abandoned
      ['purchase', 1, 0, 0, 1, 0],
    ]);
    const ordered = await run<FunnelRow>(store, 'funnel_by_stage', { pipeline: 'ecommerce', mode: 'ordered' });
    expect(funnelRows(ordered)).toEqual([
      ['awareness', 4, 0, 2, 2, 0.5],
      ['interest', 2, 1, 1, 0, 1],
      ['consideration', 2, 0, 1, 1, 0.5],
      ['cart', 1, 0, 1, 0, 1],
      ['checkout', 1, 0, 1, 0, 1],
      ['purchase', 1, 0, 0, 1, 0],
    ]);
    // Sessions count in the hour they started: z (20:00) alone after 11:00.
    const late = await run<{ entered: number }>(store, 'funnel_by_stage', { pipeline: 'ecommerce', from: '2026-11-02T11:00:00Z' });
    expect(late.map((r) => r.entered)).toEqual([1]);
    // Each person here has one journey with the same events: the journey level gives the same funnel.
    expect(funnelRows(await run<FunnelRow>(store, 'funnel_by_stage', { pipeline: 'ecommerce', level: 'person' }))).toEqual(funnelRows(reached));
    // A misspelt or retired mode is an error that names the modes, not an empty answer.
    await expect(run(store, 'funnel_by_stage', { pipeline: 'ecommerce', mode: 'furthest' })).rejects.toThrow('mode must be one of reached, ordered, strict, any (got "furthest")');
    await expect(run(store, 'stage_transitions', { pipeline: 'ecommerce', level: 'people' })).rejects.toThrow('level must be one of session, person');
  });

  it('funnel_ordered_raw: windowFunnel over the raw events, with window and mode', async () => {
    const raw = await run<{ stage: string; entered: number; advanced: number }>(store, 'funnel_ordered_raw', { pipeline: 'ecommerce' });
    expect(raw.map((r) => [r.stage, r.entered, r.advanced])).toEqual([
      ['awareness', 4, 1],
      ['interest', 1, 1],
      ['consideration', 1, 1],
      ['cart', 1, 1],
      ['checkout', 1, 1],
      ['purchase', 1, 0],
    ]);
    // Within 3 minutes of a's first page: page 0, search 1, viewed 2 (added at 4 is too late).
    const short = await run<{ entered: number }>(store, 'funnel_ordered_raw', { pipeline: 'ecommerce', window_ms: '180000' });
    expect(short.map((r) => r.entered)).toEqual([4, 1, 1]);
    await expect(run(store, 'funnel_ordered_raw', { pipeline: 'ecommerce', mode: 'sideways' })).rejects.toThrow(/mode must be/);
  });

  it('time_to_next_stage: exact median and p90 of the sessions that advanced, skipped stages never timed', async () => {
    const rows = await run<{ stage: string; advanced: number; median_ms: number; p90_ms: number }>(store, 'time_to_next_stage', { pipeline: 'ecommerce' });
    // Reached mode: awareness advanced 3, but only a has an interest event to time (b and c skipped it).
    expect(rows.map((r) => [r.stage, r.advanced, r.median_ms, r.p90_ms])).toEqual([
      ['awareness', 3, 60_000, 60_000],
      ['interest', 1, 60_000, 60_000],
      ['consideration', 1, 120_000, 120_000],
      ['cart', 1, 120_000, 120_000],
      ['checkout', 1, 180_000, 180_000],
    ]);
  });

  it('dropoff_by_dimension: per value of a dimension, and refuses unknown ones', async () => {
    const rows = await run<{ stage_index: number; value: string; entered: number; dropped: number }>(store, 'dropoff_by_dimension', { pipeline: 'ecommerce', by: 'device' });
    expect(rows[0]).toMatchObject({ stage_index: 1, value: 'unknown', entered: 4, skipped: 0, dropped: 1, drop_off_rate: 0.25 });
    // interest: 3 entered, 2 skipped, 1 advanced: nothing dropped among the one that was there.
    expect(rows[1]).toMatchObject({ stage_index: 2, entered: 3, skipped: 2, dropped: 0, drop_off_rate: 0 });
    await expect(run(store, 'dropoff_by_dimension', { pipeline: 'ecommerce', by: 'shoe_size' })).rejects.toThrow(/by must be/);
  });

  it('stage_transitions: the progress moves with (entry) and (exit)', async () => {
    const rows = await run<{ from_stage: string; to_stage: string; journeys: number; share: number; skipped: number }>(store, 'stage_transitions', { pipeline: 'ecommerce' });
    const steps = Object.fromEntries(rows.map((r) => [`${r.from_stage}→${r.to_stage}`, r.journeys]));
    expect(steps).toEqual({
      '(entry)→awareness': 4,
      'awareness→(exit)': 1,
      'awareness→checkout': 1,
      'awareness→consideration': 1,
      'awareness→interest': 1,
      'cart→checkout': 1,
      'checkout→(exit)': 1,
      'checkout→purchase': 1,
      'consideration→(exit)': 1,
      'consideration→cart': 1,
      'interest→consideration': 1,
      'purchase→(exit)': 1,
    });
    expect(rows.find((r) => r.from_stage === 'awareness' && r.to_stage === 'interest')!.share).toBe(0.25);
    // c went from the home page straight to checkout: interest, consideration and cart passed over.
    expect(rows.find((r) => r.from_stage === 'awareness' && r.to_stage === 'checkout')!.skipped).toBe(3);
  });

  it('abandonment_rate_5m: rate per bucket against the trailing baseline', async () => {
    const rows = await run(store, 'abandonment_rate_5m', { pipeline: 'ecommerce' });
    // a entered checkout at 10:06 and ordered; c entered it at 10:12 and did not (z moved the watermark past its deadline).
    expect(rows).toEqual([
      { bucket: '2026-11-02 10:05:00', started: 1, pending: 0, abandoned: 0, rate: 0, baseline_known: 0, baseline_abandoned: 0, baseline_rate: null },
      { bucket: '2026-11-02 10:10:00', started: 1, pending: 0, abandoned: 1, rate: 1, baseline_known: 1, baseline_abandoned: 0, baseline_rate: 0 },
    ]);
    // From 10:10 on: the 10:05 bucket is not shown but still feeds the baseline.
    const later = await run<{ bucket: string; baseline_known: number }>(store, 'abandonment_rate_5m', { pipeline: 'ecommerce', from: '2026-11-02 10:10:00' });
    expect(later.map((r) => [r.bucket, r.baseline_known])).toEqual([['2026-11-02 10:10:00', 1]]);
    // Ordered mode: c never got past awareness (cart is not optional), so only a started the rule.
    const ordered = await run<{ bucket: string; started: number }>(store, 'abandonment_rate_5m', { pipeline: 'ecommerce', mode: 'ordered' });
    expect(ordered.map((r) => [r.bucket, r.started])).toEqual([['2026-11-02 10:05:00', 1]]);
  });

  it('top_exit_touchpoints: where closed, unconverted sessions ended', async () => {
    const rows = await run<{ exit_touchpoint: string; exits: number; share: number; usual_exit_stage: string; usual_furthest_stage: string }>(store, 'top_exit_touchpoints', { pipeline: 'ecommerce' });
    expect(rows.map((r) => [r.exit_touchpoint, r.exits, r.share, r.usual_exit_stage, r.usual_furthest_stage])).toEqual([
      ['Checkout Started', 1, 0.5, 'checkout', 'checkout'],
      ['Product Viewed', 1, 0.5, 'consideration', 'consideration'],
    ]);
  });

  it('identity_journey: one identity\'s events in order, each with its session', async () => {
    const rows = await run<{ name: string; stage: string; session_id: string }>(store, 'identity_journey', { pipeline: 'ecommerce', key: 'a:a' });
    expect(rows.map((r) => r.stage)).toEqual(['awareness', 'interest', 'consideration', 'cart', 'checkout', 'purchase']);
    expect(new Set(rows.map((r) => r.session_id)).size).toBe(1);
    expect(rows[0]!.session_id).not.toBe('');
  });

  it('dead_letters_by_reason: grouped by step and reason with digits masked', async () => {
    const rows = await run<{ step: string; reason_pattern: string; records: number }>(store, 'dead_letters_by_reason', { pipeline: 'ecommerce' });
    expect(rows.map((r) => [r.step, r.records])).toEqual([
      ['decode-json', 3],
      ['decode-json', 2],
    ]);
    expect(rows[0]!.reason_pattern).toBe('expected a JSON object, got number');
  });

  it('the Grafana dashboard\'s queries run on this schema', async () => {
    const dashboard = JSON.parse(readFileSync('deploy/grafana/dashboards/journeys.json', 'utf8')) as {
      panels: Array<{ title: string; targets?: Array<{ rawSql: string }> }>;
      templating: { list: Array<{ type: string; query: string }> };
    };
    const [db] = await store.query<{ db: string }>('SELECT currentDatabase() AS db');
    const expand = (sql: string) =>
      sql
        // As Grafana expands them: the database as is, string variables single-quoted.
        .replaceAll('${database}', db!.db)
        .replace(/\$\{(\w+):singlequote\}/g, (_match, name: string) => `'${{ pipeline: 'ecommerce', rule: 'checkout_abandonment', level: 'session', mode: 'reached' }[name] ?? ''}'`)
        .replace(/\$__timeFilter\((\w+)\)/g, "$1 >= toDateTime('2000-01-01 00:00:00', 'UTC') AND $1 <= toDateTime('2100-01-01 00:00:00', 'UTC')")
        .replaceAll('$__fromTime', "toDateTime('2000-01-01 00:00:00', 'UTC')")
        .replaceAll('$__toTime', "toDateTime('2100-01-01 00:00:00', 'UTC')");
    for (const variable of dashboard.templating.list.filter((v) => v.type === 'query')) {
      expect((await store.query(expand(variable.query))).length).toBeGreaterThan(0);
    }
    // Custom variables list their values: level and mode are the funnel's.
    const custom = Object.fromEntries(dashboard.templating.list.filter((v) => v.type === 'custom').map((v) => [v.query, true]));
    expect(custom).toEqual({ 'session,person': true, 'reached,ordered,strict,any': true });
    // This fixture runs no bottleneck analysis and raises no alert: those panels run, with no row.
    const empty = new Set(['Bottlenecks', 'Alerts']);
    for (const panel of dashboard.panels) {
      for (const target of panel.targets ?? []) {
        const rows = await store.query(expand(target.rawSql));
        if (![...empty].some((title) => panel.title.startsWith(title))) expect(rows, panel.title).not.toHaveLength(0);
      }
    }
  });
});

describe('rollup funnel ≡ windowFunnel over the raw events', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ store, cleanup } = await openTestStore());
    const input = join(mkdtempSync(join(tmpdir(), 'journeys-eq-')), 'gen.ndjson');
    const out = createWriteStream(input);
    // Real-world noise on: out-of-order, hours-late (repairs, tombstones) and duplicate events.
    await writeGenerated({ scenario: 'ecommerce', seed: 5, days: 2, visitorsPerDay: 1_200, veryLateShare: 0.01 }, out);
    out.end();
    await once(out, 'finish');
    const { definition } = loadDefinition('ecommerce', { pipelinesDir: 'pipelines' });
    // Two files: the second run restores open sessions and repairs across the seam.
    const lines = readFileSync(input, 'utf8').split('\n');
    const half = Math.floor(lines.length / 2);
    // Without optional stages ordered mode is windowFunnel's exactly (docs/semantics.md, "Modes").
    const pipeline = compilePipeline({ ...definition, name: 'gen', stages: definition.stages.map((stage) => ({ ...stage, optional: false })) });
    await ingestFiles(store, pipeline, [writeTemp('first.ndjson', lines.slice(0, half))]);
    await ingestFiles(store, pipeline, [writeTemp('second.ndjson', lines.slice(half))]);
  });
  afterAll(async () => cleanup());

  it.each([
    { range: 'all time', from: undefined, to: undefined },
    { range: 'a part of the first day', from: '2026-11-02T06:00:00Z', to: '2026-11-02T19:00:00Z' },
    { range: 'the second day', from: '2026-11-03T00:00:00Z', to: '2026-11-04T00:00:00Z' },
  ])('agrees exactly over $range', async ({ from, to }) => {
    const range: Record<string, string> = { pipeline: 'gen', ...(from ? { from } : {}), ...(to ? { to } : {}) };
    const rollup = await run<{ stage_index: number; stage: string; entered: number; advanced: number }>(store, 'funnel_by_stage', { ...range, mode: 'ordered' });
    const raw = await run<{ stage_index: number; stage: string; entered: number; advanced: number }>(store, 'funnel_ordered_raw', range);
    const pick = (rows: typeof rollup) => rows.map((r) => [r.stage_index, r.stage, r.entered, r.advanced]);
    expect(rollup.length).toBeGreaterThan(4);
    expect(rollup[0]!.entered).toBeGreaterThan(500);
    expect(pick(raw)).toEqual(pick(rollup));
    const [repaired] = await store.query<{ n: number }>("SELECT count() AS n FROM sessions WHERE pipeline = 'gen' AND is_deleted = 1");
    expect(repaired!.n).toBeGreaterThan(0); // late events did merge sessions: the check covers repairs
  });
});

describe('journeys sql (CLI)', () => {
  const storeSpec = `embedded:${mkdtempSync(join(tmpdir(), 'journeys-sqlcli-'))}`;
  const journeys = (args: string[]) => spawnSync(process.execPath, ['bin/journeys.js', ...args], { encoding: 'utf8', env: { ...process.env, JOURNEYS_STORE: '' } });
  beforeAll(() => {
    expect(journeys(['ingest', '--pipeline', 'ecommerce', '--input', writeTemp('cli.ndjson', HAND), '--store', storeSpec]).status).toBe(0);
  });

  it('runs a query by name with --param and --format', () => {
    const csv = journeys(['sql', 'funnel_by_stage', '--param', 'pipeline=ecommerce', '--param', 'from=2026-11-02T00:00:00Z', '--format', 'csv', '--store', storeSpec]);
    expect(csv.status).toBe(0);
    const [header, first] = csv.stdout.trim().split('\n');
    expect(header).toBe('stage_index,stage,entered,skipped,advanced,dropped,conversion_to_next,drop_off_rate,share_of_top');
    expect(first).toBe('1,awareness,4,0,3,1,0.75,0.25,1');
    const json = JSON.parse(journeys(['sql', 'stage_transitions', '--param', 'pipeline=ecommerce', '--param', 'min_journeys=2', '--format', 'json', '--store', storeSpec]).stdout);
    expect(json).toEqual([{ from_stage: '(entry)', to_stage: 'awareness', journeys: 4, share: 1, skipped: 0 }]);
    expect(journeys(['sql', 'identity_journey', '--param', 'pipeline=ecommerce', '--param', 'key=a:b', '--store', storeSpec]).stdout).toMatch(/consideration/);
  });

  it('says which parameters a query needs, and lists the queries', () => {
    const missing = journeys(['sql', 'funnel_by_stage', '--store', storeSpec]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/needs --param pipeline=…/);
    expect(missing.stderr).toMatch(/--param mode=<String> \(default reached\)/);
    expect(missing.stderr).toMatch(/--param level=<String> \(default session\)/);
    const typo = journeys(['sql', 'funnel_by_stage', '--param', 'pipline=ecommerce', '--store', storeSpec]);
    expect(typo).toMatchObject({ status: 2, stderr: expect.stringContaining('has no parameter "pipline"') });
    expect(journeys(['sql', 'no_such_query', '--store', storeSpec])).toMatchObject({ status: 2, stderr: expect.stringContaining('no query named "no_such_query"') });
    const list = journeys(['sql', '--list']);
    for (const name of listNamedQueries()) expect(list.stdout).toContain(name);
  });
});

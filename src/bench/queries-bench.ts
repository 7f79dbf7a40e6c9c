import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { EmbeddedStore } from '../stores/embedded-store.js';
import { migrate } from '../stores/migrate.js';
import { readSql } from '../stores/sql-files.js';
import { sessionRow, SESSION_COLUMNS } from '../stores/rows.js';
import { RowBuffer } from '../stores/row-buffer.js';
import { bindParams, listNamedQueries, loadNamedQuery } from '../stores/query-catalog.js';
import type { Store } from '../stores/store.js';
import { loadDefinition } from '../journey/load-definition.js';
import { compilePipeline, type CompiledPipeline } from '../pipeline/compiled-pipeline.js';
import { repairKeys } from '../pipeline/repair.js';
import { daysTouched, refreshRollups } from '../pipeline/rollup-refresh.js';
import { Sessionizer } from '../sessions/sessionizer.js';
import { readJourneyMap, type JourneyMapOptions } from '../map/read-journey-map.js';
import { renderMapPage } from '../map/render/map-page.js';
import type { JourneyDefinition } from '../journey/definition-schema.js';
import { buildSessionRecord } from '../sessions/session-record.js';

const PIPELINE = 'bench';
const STREAM = 'files';
const START_MS = Date.UTC(2026, 10, 2);
/** A month: the journey map's target is a month of 10M events. */
const DAYS = 30;
const RUNS = 5;
/** Identity keys rebuilt per repair call: big enough to amortise the queries, small enough for memory. */
const KEYS_PER_CHUNK = 25_000;
/** Bump when the generator or the schema changes, so a cached store is rebuilt. */
const DATA_VERSION = 5;

/** Queries that read only the rollups (the < 200 ms target). */
const ROLLUP_QUERIES = new Set(['funnel_by_stage', 'time_to_next_stage', 'dropoff_by_dimension', 'stage_transitions', 'touchpoint_paths', 'abandonment_rate_5m']);

/**
 * Sessions from the stored events with the pipeline's own code: repairKeys is
 * what rebuilds sessions from stored events after late arrivals (split at
 * gaps and the maximum duration, session ids, every mode's progress, reach
 * times, abandonment); with the watermark past the end every session is
 * closed. Records and rows are built as the processor builds them.
 */
async function buildSessions(store: Store, pipeline: CompiledPipeline, log: (m: string) => void): Promise<Set<number>> {
  const spans = await store.query<{ key: string; from_ms: number; to_ms: number }>(
    `SELECT key, toUnixTimestamp64Milli(min(ts)) AS from_ms, toUnixTimestamp64Milli(max(ts)) AS to_ms
       FROM events WHERE pipeline = {pipeline:String} GROUP BY key ORDER BY key`,
    { pipeline: PIPELINE },
  );
  // Past every event plus the longest session: every session is closed, every outcome known.
  const endMs = START_MS + (DAYS + 2) * 86_400_000;
  const context = pipeline.recordContext(STREAM, endMs);
  const days = new Set<number>();
  let sessions = 0;
  for (let at = 0; at < spans.length; at += KEYS_PER_CHUNK) {
    const chunk = spans.slice(at, at + KEYS_PER_CHUNK);
    const sessionizer = new Sessionizer(pipeline.split, { watermarkMs: endMs, maxEventMs: endMs });
    const late = new Map(chunk.map((span) => [span.key, [Number(span.from_ms), Number(span.to_ms)]]));
    const { closed } = await repairKeys(store, pipeline, STREAM, sessionizer, late);
    const rows = new RowBuffer();
    rows.pushRows(
      closed.map((snapshot) => {
        const record = buildSessionRecord(snapshot, context);
        for (const day of daysTouched(record.start, record.end)) days.add(day);
        return sessionRow(record);
      }),
    );
    sessions += rows.rowCount;
    await store.insertCompactRows('sessions', SESSION_COLUMNS, rows.take());
    if ((at / KEYS_PER_CHUNK) % 10 === 0) log(`  sessions: ${Math.min(at + KEYS_PER_CHUNK, spans.length).toLocaleString('en-US')} of ${spans.length.toLocaleString('en-US')} keys, ${sessions.toLocaleString('en-US')} sessions`);
  }
  return days;
}

/** Generates `events` events in ClickHouse, builds sessions and rollups; cached in the temp folder. */
async function prepare(dir: string, events: number, pipeline: CompiledPipeline, log: (m: string) => void): Promise<EmbeddedStore> {
  const ready = join(dir, 'journeys-bench-ready');
  if (existsSync(ready)) {
    log(`using the prepared store ${dir} (delete it to rebuild)`);
    return EmbeddedStore.open({ dir, database: 'bench' });
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const store = await EmbeddedStore.open({ dir, database: 'bench' });
  await migrate(store);
  let started = Date.now();
  // ~4.6 events per visit: generate enough visits, keep exactly `events` rows.
  await store.command(readSql('bench/generate_events.sql'), {
    pipeline: PIPELINE,
    stage_names: pipeline.stageNames,
    start_ms: START_MS,
    days: DAYS,
    visits: Math.ceil(events / 4),
    events,
  });
  log(`generated ${events.toLocaleString('en-US')} events in ClickHouse in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  started = Date.now();
  const days = await buildSessions(store, pipeline, log);
  log(`built sessions (pipeline code: repairKeys + buildSessionRecord) in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  started = Date.now();
  await refreshRollups(store, { pipeline, days, watermarkMs: START_MS + (DAYS + 2) * 86_400_000 });
  log(`rebuilt rollups of ${days.size} days (refreshRollups) in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  await store.command(
    `INSERT INTO dead_letters (pipeline, id, received_at, origin_kind, origin, step, reason, issues, raw)
     SELECT {pipeline:String}, toString(number), fromUnixTimestamp64Milli({start_ms:Int64} + number * 60000, 'UTC'), 'file',
            concat('bench.ndjson:', toString(number * 997)), ['decode-json', 'validate-segment', 'normalize-segment'][1 + number % 3],
            ['not JSON: Unexpected token at position ' || toString(number % 300), 'invalid Segment message: event: a track call needs an event name',
             'event time 1970-01-01T00:00:00.000Z is before 2000-01-01T00:00:00.000Z'][1 + number % 3], '[]', '{"type":"track"'
       FROM numbers(10000)`,
    { pipeline: PIPELINE, start_ms: START_MS },
  );
  writeFileSync(ready, new Date().toISOString());
  return store;
}

/** The median of RUNS runs after one warm-up (the page cache, not a result cache: ClickHouse keeps none by default). */
async function medianOf(run: () => Promise<unknown>): Promise<number> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = process.hrtime.bigint();
    await run();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(RUNS / 2)]! * 10) / 10;
}

/**
 * The journey map's reads and its page over the whole period (session
 * level, the ecommerce default): everyone, one segment, the second half
 * against the first, and an A/B comparison (the only part that reads the
 * events rather than the rollups). The bench store has no person journeys.
 */
async function benchMap(store: Store, definition: JourneyDefinition) {
  const range = { fromMs: START_MS, toMs: START_MS + DAYS * 86_400_000 };
  const base: JourneyMapOptions = { definition, level: 'session', mode: definition.funnel.mode, range, nowMs: range.toMs };
  const half = { fromMs: START_MS + (DAYS / 2) * 86_400_000, toMs: range.toMs };
  let map = await readJourneyMap(store, base);
  const map_ms = await medianOf(async () => (map = await readJourneyMap(store, base)));
  const map_segment_ms = await medianOf(() => readJourneyMap(store, { ...base, segment: 'returning' }));
  const map_compare_ms = await medianOf(() => readJourneyMap(store, { ...base, range: half, compare: { kind: 'previous' } }));
  const map_variant_ms = await medianOf(() => readJourneyMap(store, { ...base, variant: { path: 'properties.variation_name' } }));
  let page = '';
  const map_render_ms = await medianOf(async () => (page = renderMapPage(map)));
  return { map_ms, map_segment_ms, map_compare_ms, map_variant_ms, map_render_ms, map_page_bytes: Buffer.byteLength(page) };
}

/**
 * `npm run bench -- queries [--json] [--events N]`: median latency of every
 * sql/queries query over 5 runs on the embedded engine, with the rollup
 * funnel and the raw windowFunnel funnel side by side, then the journey
 * map's reads and page (benchMap). With --json the last line is one JSON
 * object.
 */
export async function runQueriesBench(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, events: { type: 'string' } } });
  const events = Number(values.events ?? 10_000_000);
  const log = (message: string) => (values.json ? process.stderr : process.stdout).write(`${message}\n`);
  const pipelinesDir = fileURLToPath(new URL('../../pipelines/', import.meta.url));
  const definition: JourneyDefinition = { ...loadDefinition('ecommerce', { pipelinesDir }).definition, name: PIPELINE };
  const pipeline = compilePipeline(definition);
  const store = await prepare(join(tmpdir(), `journeys-bench-queries-${events}-v${DATA_VERSION}`), events, pipeline, log);
  try {
    const [counts] = await store.query<{ events: number; sessions: number; funnel_rows: number }>(
      `SELECT (SELECT count() FROM events) AS events, (SELECT count() FROM sessions) AS sessions, (SELECT count() FROM funnel_hourly) AS funnel_rows`,
    );
    log(`store: ${counts!.events.toLocaleString('en-US')} events, ${counts!.sessions.toLocaleString('en-US')} sessions, ${counts!.funnel_rows.toLocaleString('en-US')} funnel_hourly rows`);
    const [busiest] = await store.query<{ key: string }>(`SELECT key FROM events WHERE pipeline = {p:String} GROUP BY key ORDER BY count() DESC LIMIT 1`, { p: PIPELINE });
    const results: Array<{ name: string; median_ms: number }> = [];
    for (const name of listNamedQueries()) {
      const query = loadNamedQuery(name)!;
      const given: Record<string, string> = { pipeline: PIPELINE };
      if (query.params.some((p) => p.name === 'key')) given['key'] = busiest!.key;
      // A session key is an identifier too (a:<anonymousId>): the busiest visitor's person.
      if (query.params.some((p) => p.name === 'person')) given['person'] = busiest!.key;
      results.push({ name, median_ms: await medianOf(() => store.query(query.sql, bindParams(query, given))) });
    }
    const rows = results.map((r) => `  ${r.name.padEnd(24)} ${(ROLLUP_QUERIES.has(r.name) ? 'rollup' : 'raw').padEnd(7)} ${r.median_ms.toFixed(1).padStart(9)} ms`);
    log(`median of ${RUNS} runs (after one warm-up), embedded engine:\n  ${'query'.padEnd(24)} ${'reads'.padEnd(7)} ${'median'.padStart(12)}\n${rows.join('\n')}`);
    const rollup = results.find((r) => r.name === 'funnel_by_stage')!.median_ms;
    const raw = results.find((r) => r.name === 'funnel_ordered_raw')!.median_ms;
    log(`funnel by stage: rollup ${rollup} ms vs raw windowFunnel ${raw} ms = ${(raw / rollup).toFixed(0)}× faster`);
    const map = await benchMap(store, definition);
    log(
      `journey map of the ${DAYS} days (readJourneyMap, median of ${RUNS}): ${map.map_ms} ms; one segment ${map.map_segment_ms} ms; ` +
        `against the previous ${DAYS / 2} days ${map.map_compare_ms} ms; variant A/B (reads events) ${map.map_variant_ms} ms; ` +
        `page rendered in ${map.map_render_ms} ms, ${(map.map_page_bytes / 1024).toFixed(0)} KB`,
    );
    if (values.json) {
      console.log(JSON.stringify({ events: counts!.events, queries: results, rollup_funnel_ms: rollup, raw_windowfunnel_ms: raw, ...map }));
    }
  } finally {
    await store.close();
  }
}

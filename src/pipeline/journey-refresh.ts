import type { Store, QueryParams } from '../stores/store.js';
import type { CompiledPipeline } from './compiled-pipeline.js';
import { stageRulesOf } from '../journey/stage-rules.js';
import {
  buildJourneys,
  journeyRow,
  journeyTombstone,
  JOURNEY_COLUMNS,
  JOURNEY_VERSION_COLUMN,
  type JourneyContext,
  type JourneyPoint,
  type JourneyRecord,
} from '../sessions/journey-record.js';

const DAY_MS = 86_400_000;
/** Keys per round of queries: bounds the events, journeys and rows held at once. */
const KEYS_PER_QUERY = 5_000;
/** Rows per JSON.stringify (one line of the insert, as RowBuffer does). */
const ROWS_PER_LINE = 1_000;

let lastVersion = 0;

/**
 * The version of every row a round writes: the clock when the round starts
 * reading, strictly increasing within the process. Not derived from content
 * (as sessions do, events × 4 + …), because a journey is rebuilt from its
 * key's whole history, and that history can shrink (a copy of an event taken
 * back, the events TTL) or be read under another definition, and a journey
 * id can come back: A on day 10; a late A on day 5 swallows it (day 10's id
 * is retired); a late A on day 0 ends its window on day 7, so day 10 starts
 * a journey again, with the same id. A tombstone at TOMBSTONE_VERSION would
 * keep it retired for ever, and a content count need not grow. The rebuild
 * that read last knew the most, so it wins, tombstones included (same
 * version as the round's live rows). Unchanged journeys are not rewritten,
 * so a repeated refresh writes nothing and keeps the versions it found.
 */
function nextVersion(): number {
  lastVersion = Math.max(Date.now(), lastVersion + 1);
  return lastVersion;
}

/**
 * Rebuilds the journeys (docs/semantics.md, "Journeys") of every key of the
 * pipeline with staged or exclusion events on the given UTC days (ms of
 * midnight), or with a live journey starting on one of them (its events may
 * have been taken back). A key's journeys are anchored at its first staged
 * event, so all of its staged and exclusion events are read, 5,000 keys a
 * round. Journeys that changed are written, ids that no longer exist get a
 * tombstone. Returns the UTC days on which the written or retired journeys
 * start, sorted: their rollups need a rebuild too.
 */
export async function refreshJourneys(
  store: Store,
  options: { pipeline: CompiledPipeline; days: Iterable<number>; watermarkMs: number },
): Promise<number[]> {
  const ranges = dayRanges(options.days);
  if (ranges.length === 0) return [];
  const pipeline = options.pipeline;
  const base = pipeline.recordContext('journeys', options.watermarkMs);
  const windowMs = pipeline.definition.funnel.journeyWindow;
  const rules = stageRulesOf(pipeline.definition, windowMs);
  const touched = new Set<number>();
  let after: string | undefined;
  for (;;) {
    const keys = await readKeyPage(store, pipeline.name, ranges, after);
    if (keys.length === 0) break;
    const ctx: JourneyContext = {
      pipeline: pipeline.name,
      stageNames: base.stageNames,
      conversionStageIndex: base.conversionStageIndex,
      abandonment: base.abandonment,
      rules,
      watermarkMs: options.watermarkMs,
      version: nextVersion(),
    };
    const pointsByKey = await readPoints(store, pipeline.name, keys);
    const stored = await readStoredJourneys(store, pipeline.name, keys);
    const rows: unknown[][] = [];
    const write = (record: JourneyRecord, row: unknown[]) => {
      rows.push(row);
      touched.add(Math.floor(record.start / DAY_MS) * DAY_MS);
    };
    for (const key of keys) {
      const storedOfKey = stored.get(key);
      for (const journey of buildJourneys(key, pointsByKey.get(key) ?? [], ctx)) {
        const row = journeyRow(journey);
        const previous = storedOfKey?.get(journey.journey_id);
        storedOfKey?.delete(journey.journey_id);
        if (!previous || comparable(previous.row) !== comparable(row)) write(journey, row);
      }
      for (const [journeyId, previous] of storedOfKey ?? []) {
        const tombstone = journeyTombstone({ pipeline: pipeline.name, key, journeyId, startMs: previous.startMs, version: ctx.version });
        write(tombstone, journeyRow(tombstone));
      }
    }
    await insertRows(store, rows);
    if (keys.length < KEYS_PER_QUERY) break;
    after = keys[keys.length - 1];
  }
  return [...touched].sort((a, b) => a - b);
}

/** Sorted distinct days merged into [from, to) ranges of consecutive days. */
function dayRanges(days: Iterable<number>): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const day of [...new Set(days)].sort((a, b) => a - b)) {
    const last = ranges[ranges.length - 1];
    if (last && day <= last[1]) last[1] = Math.max(last[1], day + DAY_MS);
    else ranges.push([day, day + DAY_MS]);
  }
  return ranges;
}

/** `column` within one of the ranges: the placeholders are made here, the times travel as parameters. */
function inRanges(column: string, ranges: ReadonlyArray<[number, number]>, params: QueryParams): string {
  return ranges
    .map(([from, to], i) => {
      params[`from_${i}`] = from;
      params[`to_${i}`] = to;
      return `(${column} >= fromUnixTimestamp64Milli({from_${i}:Int64}, 'UTC') AND ${column} < fromUnixTimestamp64Milli({to_${i}:Int64}, 'UTC'))`;
    })
    .join(' OR ');
}

/**
 * `key IN` the keys: as one newline-separated text parameter split in SQL
 * (chDB parses a long Array parameter several times slower, see
 * stored-copies.ts), or as an array when a key holds a newline.
 */
function keysIn(keys: readonly string[], params: QueryParams): string {
  if (keys.some((key) => key.includes('\n'))) {
    params['keys'] = keys;
    return 'key IN {keys:Array(String)}';
  }
  params['keys'] = keys.join('\n');
  return "key IN (SELECT arrayJoin(splitByChar('\\n', {keys:String})))";
}

/** The next keys (sorted, after `after`) with staged or exclusion events, or a live journey start, on the days. */
async function readKeyPage(store: Store, pipeline: string, ranges: ReadonlyArray<[number, number]>, after: string | undefined): Promise<string[]> {
  const params: QueryParams = { pipeline, limit: KEYS_PER_QUERY };
  const afterClause = after === undefined ? '' : 'AND key > {after:String}';
  if (after !== undefined) params['after'] = after;
  const rows = await store.query<{ key: string }>(
    `SELECT key FROM (
       SELECT DISTINCT key FROM events
        WHERE pipeline = {pipeline:String} ${afterClause} AND (stage_index > 0 OR exclusion_index > 0) AND (${inRanges('ts', ranges, params)})
       UNION DISTINCT
       SELECT DISTINCT key FROM journeys
        WHERE pipeline = {pipeline:String} ${afterClause} AND is_deleted = 0 AND (${inRanges('start', ranges, params)})
     ) ORDER BY key LIMIT {limit:UInt32}`,
    params,
  );
  return rows.map((row) => row.key);
}

/** Every staged or exclusion event of the keys, sorted as compareStaged sorts (event id last, so ties are stable). */
async function readPoints(store: Store, pipeline: string, keys: readonly string[]): Promise<Map<string, JourneyPoint[]>> {
  const params: QueryParams = { pipeline };
  const text = await store.queryText(
    `SELECT key, toUnixTimestamp64Milli(ts), stage_index, exclusion_index, channel, touchpoint, device, browser, os, country, segment
       FROM events FINAL
      WHERE pipeline = {pipeline:String} AND ${keysIn(keys, params)} AND (stage_index > 0 OR exclusion_index > 0)
      ORDER BY key, ts, stage_index, event_id
      SETTINGS output_format_json_quote_64bit_integers = 0
      FORMAT JSONCompactEachRow`,
    params,
  );
  const byKey = new Map<string, JourneyPoint[]>();
  let list: JourneyPoint[] = [];
  let current: string | undefined;
  for (const line of lines(text)) {
    const [key, ts, stageIndex, exclusionIndex, channel, touchpoint, device, browser, os, country, segment] = JSON.parse(line) as [
      string, number, number, number, string, string, string, string, string, string, string,
    ];
    if (key !== current) {
      current = key;
      list = [];
      byKey.set(key, list);
    }
    list.push({ timestampMs: ts, stageIndex, exclusionIndex, channel, touchpoint, device, browser, os, country, segment });
  }
  return byKey;
}

interface StoredJourney {
  startMs: number;
  /** The row as journeyRow makes it (times in ms). */
  row: unknown[];
}

/** The live journeys of the keys, as rows comparable with journeyRow's: key → journey id → journey. */
async function readStoredJourneys(store: Store, pipeline: string, keys: readonly string[]): Promise<Map<string, Map<string, StoredJourney>>> {
  const params: QueryParams = { pipeline };
  const ms = (column: string) => `toUnixTimestamp64Milli(${column})`;
  const select = JOURNEY_COLUMNS.map((column) => {
    if (column === 'start' || column === 'end') return ms(column);
    if (column === 'funnel_reached') return `arrayMap(a -> arrayMap(t -> ${ms('t')}, a), funnel_reached)`;
    if (column === 'abandonment_started') return `arrayMap(t -> ${ms('t')}, abandonment_started)`;
    return `\`${column}\``;
  });
  const text = await store.queryText(
    `SELECT ${select.join(', ')} FROM journeys FINAL
      WHERE pipeline = {pipeline:String} AND ${keysIn(keys, params)} AND is_deleted = 0
      SETTINGS output_format_json_quote_64bit_integers = 0
      FORMAT JSONCompactEachRow`,
    params,
  );
  const byKey = new Map<string, Map<string, StoredJourney>>();
  const keyAt = JOURNEY_COLUMNS.indexOf('key');
  const idAt = JOURNEY_COLUMNS.indexOf('journey_id');
  const startAt = JOURNEY_COLUMNS.indexOf('start');
  for (const line of lines(text)) {
    const row = JSON.parse(line) as unknown[];
    const key = row[keyAt] as string;
    let ofKey = byKey.get(key);
    if (!ofKey) byKey.set(key, (ofKey = new Map()));
    ofKey.set(row[idAt] as string, { startMs: row[startAt] as number, row });
  }
  return byKey;
}

/** A row's text without its version: equal texts are the same journey. */
function comparable(row: readonly unknown[]): string {
  const copy = [...row];
  copy[JOURNEY_VERSION_COLUMN] = 0;
  return JSON.stringify(copy);
}

async function insertRows(store: Store, rows: readonly unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  const parts: string[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_LINE) parts.push(JSON.stringify(rows.slice(i, i + ROWS_PER_LINE)).slice(1, -1));
  await store.insertCompactRows('journeys', JOURNEY_COLUMNS, parts.join('\n') + '\n');
}

function* lines(text: string): Generator<string> {
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    if (end > start) yield text.slice(start, end);
    start = end + 1;
  }
}

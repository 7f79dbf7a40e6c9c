import { hash } from 'node:crypto';
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
 * id can come back (window 7 days): A on day 10; a late A on day 5 swallows it (day 10's id
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
  const stageCount = pipeline.stageNames.length;
  const due: Due = {
    watermarkMs: options.watermarkMs,
    windowMs,
    rules: base.abandonment.map((rule) => rule.name),
    withinMs: base.abandonment.map((rule) => rule.withinMs),
  };
  // The next round is read while this one is built and written (the store's queries run off the event loop).
  // Its failure is handled where it is awaited; the no-op handler keeps it from counting as unhandled meanwhile.
  const readAhead = (after: string | undefined) => {
    const round = readRound(store, pipeline.name, stageCount, ranges, due, after);
    round.catch(() => undefined);
    return round;
  };
  let next = readAhead(undefined);
  try {
    for (;;) {
      const round = await next;
      if (!round) break;
      const { keys, version, pointsByKey, stored } = round;
      next = keys.length < KEYS_PER_QUERY ? Promise.resolve(undefined) : readAhead(keys[keys.length - 1]);
      const ctx: JourneyContext = {
        pipeline: pipeline.name,
        stageNames: base.stageNames,
        conversionStageIndex: base.conversionStageIndex,
        abandonment: base.abandonment,
        rules,
        watermarkMs: options.watermarkMs,
        version,
      };
      const rows: unknown[][] = [];
      const write = (record: JourneyRecord, row: unknown[], previous?: StoredJourney) => {
        rows.push(row);
        // Every day the journey spans: funnel rows count on its start day, abandonment rows on the day it entered a rule's `from`.
        touchSpan(touched, record.start, record.end);
        if (previous) touchSpan(touched, previous.startMs, previous.endMs);
      };
      for (const key of keys) {
        const storedOfKey = stored.get(key);
        for (const journey of buildJourneys(key, pointsByKey.get(key) ?? [], ctx)) {
          const row = journeyRow(journey);
          const previous = storedOfKey?.get(journey.journey_id);
          storedOfKey?.delete(journey.journey_id);
          if (!previous || previous.digest !== contentDigest(row)) write(journey, row, previous);
        }
        for (const [journeyId, previous] of storedOfKey ?? []) {
          const tombstone = journeyTombstone({ pipeline: pipeline.name, key, journeyId, startMs: previous.startMs, version });
          write(tombstone, journeyRow(tombstone), previous);
        }
      }
      await insertRows(store, rows);
    }
  } finally {
    // After a failure, the read ahead is only waited for (its error, if any, follows from the first).
    await next.catch(() => undefined);
  }
  return [...touched].sort((a, b) => a - b);
}

interface Round {
  keys: string[];
  version: number;
  pointsByKey: Map<string, JourneyPoint[]>;
  stored: Map<string, Map<string, StoredJourney>>;
}

/** One round's keys (after `after`), with their points and stored journeys; undefined when no key is left. */
async function readRound(
  store: Store,
  pipeline: string,
  stageCount: number,
  ranges: ReadonlyArray<[number, number]>,
  due: Due,
  after: string | undefined,
): Promise<Round | undefined> {
  const keys = await readKeyPage(store, pipeline, ranges, due, after);
  if (keys.length === 0) return undefined;
  const version = nextVersion();
  const pointsByKey = await readPoints(store, pipeline, stageCount, keys);
  const stored = await readStoredJourneys(store, pipeline, keys);
  return { keys, version, pointsByKey, stored };
}

function touchSpan(days: Set<number>, startMs: number, endMs: number): void {
  for (let day = Math.floor(startMs / DAY_MS) * DAY_MS; day <= endMs; day += DAY_MS) days.add(day);
}

/** Sorted distinct days (any time of a day stands for the day) merged into [from, to) ranges of consecutive days. */
function dayRanges(days: Iterable<number>): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const day of [...new Set([...days].map((ms) => Math.floor(ms / DAY_MS) * DAY_MS))].sort((a, b) => a - b)) {
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

/** What makes an open journey due for a rebuild with no new events: its window or a rule's deadline passed. */
interface Due {
  watermarkMs: number;
  windowMs: number;
  rules: string[];
  withinMs: number[];
}

/**
 * The next keys (sorted, after `after`) with staged or exclusion events, or
 * a live journey start, on the days; and keys with an open journey that the
 * watermark has ended (past its window) or whose pending rule passed its
 * deadline: without new events nothing else would close them.
 */
async function readKeyPage(store: Store, pipeline: string, ranges: ReadonlyArray<[number, number]>, due: Due, after: string | undefined): Promise<string[]> {
  const params: QueryParams = { pipeline, limit: KEYS_PER_QUERY, watermark_ms: due.watermarkMs, window_ms: due.windowMs, rules: due.rules, within_ms: due.withinMs };
  const afterClause = after === undefined ? '' : 'AND key > {after:String}';
  if (after !== undefined) params['after'] = after;
  const rows = await store.query<{ key: string }>(
    `SELECT key FROM (
       SELECT DISTINCT key FROM events
        WHERE pipeline = {pipeline:String} ${afterClause} AND (stage_index > 0 OR exclusion_index > 0) AND (${inRanges('ts', ranges, params)})
       UNION DISTINCT
       SELECT DISTINCT key FROM journeys
        WHERE pipeline = {pipeline:String} ${afterClause} AND is_deleted = 0 AND (${inRanges('start', ranges, params)})
       UNION DISTINCT
       SELECT DISTINCT key FROM journeys FINAL
        WHERE pipeline = {pipeline:String} ${afterClause} AND is_deleted = 0 AND is_open = 1
          AND (toUnixTimestamp64Milli(start) + {window_ms:Int64} < {watermark_ms:Int64}
               OR arrayExists((o, r, t) -> o = 'pending' AND toUnixTimestamp64Milli(t) + {within_ms:Array(Int64)}[indexOf({rules:Array(String)}, r)] < {watermark_ms:Int64},
                              abandonment_outcomes, abandonment_rules, abandonment_started))
     ) ORDER BY key LIMIT {limit:UInt32}`,
    params,
  );
  return rows.map((row) => row.key);
}

/** Every staged or exclusion event of the keys, sorted as compareStaged sorts (event id last, so ties are stable). */
async function readPoints(store: Store, pipeline: string, stageCount: number, keys: readonly string[]): Promise<Map<string, JourneyPoint[]>> {
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
  for (const row of parseRows(text)) {
    const [key, ts, stageIndex, exclusionIndex, channel, touchpoint, device, browser, os, country, segment] = row as [
      string, number, number, number, string, string, string, string, string, string, string,
    ];
    // Indexes beyond the definition's stages (events classified under an older one) count as none.
    const stage = stageIndex <= stageCount ? stageIndex : 0;
    const exclusion = exclusionIndex <= stageCount ? exclusionIndex : 0;
    if (stage === 0 && exclusion === 0) continue;
    if (key !== current) {
      current = key;
      list = [];
      byKey.set(key, list);
    }
    list.push({ timestampMs: ts, stageIndex: stage, exclusionIndex: exclusion, channel, touchpoint, device, browser, os, country, segment });
  }
  return byKey;
}

interface StoredJourney {
  startMs: number;
  endMs: number;
  /** SHA-1 of the row's JSON without its version (see contentDigest). */
  digest: string;
}

/**
 * What decides whether a journey changed: its row without the version, as
 * JSON (times in ms), hashed. ClickHouse hashes the stored rows the same way
 * (toJSONString of the same values), so only ids and digests come back: on
 * 50k keys that read ~8× fewer bytes than the rows themselves. Should the
 * two texts ever differ for the same values (an exotic string), the journey
 * is merely rewritten with the same content.
 */
function contentDigest(row: readonly unknown[]): string {
  // ClickHouse escapes U+2028 and U+2029, JSON.stringify does not.
  const text = JSON.stringify(row.filter((_, i) => i !== JOURNEY_VERSION_COLUMN)).replace(LINE_SEPARATORS, (c) => (c === '\u2028' ? '\\u2028' : '\\u2029'));
  return hash('sha1', text, 'hex');
}
const LINE_SEPARATORS = /[\u2028\u2029]/g;

/** The live journeys of the keys: key → journey id → start and digest. */
async function readStoredJourneys(store: Store, pipeline: string, keys: readonly string[]): Promise<Map<string, Map<string, StoredJourney>>> {
  const params: QueryParams = { pipeline };
  const ms = (column: string) => `toUnixTimestamp64Milli(${column})`;
  const values = JOURNEY_COLUMNS.filter((column) => column !== 'version').map((column) => {
    if (column === 'start' || column === 'end') return ms(column);
    if (column === 'funnel_reached') return `arrayMap(a -> arrayMap(t -> ${ms('t')}, a), funnel_reached)`;
    if (column === 'abandonment_started') return `arrayMap(t -> ${ms('t')}, abandonment_started)`;
    return `\`${column}\``;
  });
  // JSON.stringify's text: 64-bit integers as numbers, '/' not escaped.
  const text = await store.queryText(
    `SELECT key, journey_id, toUnixTimestamp64Milli(start), toUnixTimestamp64Milli(end), lower(hex(SHA1(toJSONString(tuple(${values.join(', ')})))))
       FROM journeys FINAL
      WHERE pipeline = {pipeline:String} AND ${keysIn(keys, params)} AND is_deleted = 0
      SETTINGS output_format_json_quote_64bit_integers = 0, output_format_json_escape_forward_slashes = 0
      FORMAT JSONCompactEachRow`,
    params,
  );
  const byKey = new Map<string, Map<string, StoredJourney>>();
  for (const [key, journeyId, startMs, endMs, digest] of parseRows(text) as Array<[string, string, number, number, string]>) {
    let ofKey = byKey.get(key);
    if (!ofKey) byKey.set(key, (ofKey = new Map()));
    ofKey.set(journeyId, { startMs, endMs, digest });
  }
  return byKey;
}

async function insertRows(store: Store, rows: readonly unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  const parts: string[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_LINE) parts.push(JSON.stringify(rows.slice(i, i + ROWS_PER_LINE)).slice(1, -1));
  await store.insertCompactRows('journeys', JOURNEY_COLUMNS, parts.join('\n') + '\n');
}

/** JSONCompactEachRow text as rows: one JSON.parse of the whole answer (a call per line cost ~2× more). */
function parseRows(text: string): unknown[][] {
  const body = text.trimEnd();
  return body === '' ? [] : (JSON.parse(`[${body.replaceAll('\n', ',')}]`) as unknown[][]);
}

/**
 * The store side of refreshJourneys: which keys changed, their staged
 * events from where their journeys may have changed, the journeys stored
 * for them (as digests), and the insert. Every value travels as a query
 * parameter; only placeholders are made here.
 */
import { hash } from 'node:crypto';
import type { QueryParams, Store } from '../stores/store.js';
import { JOURNEY_COLUMNS, JOURNEY_VERSION_COLUMN, type JourneyPoint } from '../sessions/journey-record.js';

/** Rows per JSON.stringify (one line of the insert, as RowBuffer does). */
const ROWS_PER_LINE = 1_000;

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

/** What makes an open journey due for a rebuild with no new events: its window or a pending rule's deadline passed. */
export interface Due {
  watermarkMs: number;
  windowMs: number;
  rules: string[];
  withinMs: number[];
}

/** A key to rebuild, and the earliest time at which something about it changed. */
export interface ChangedKey {
  key: string;
  fromMs: number;
}

/**
 * The next keys (sorted, after `after`, at most `limit`) to rebuild, each
 * with the earliest time it changed: staged or exclusion events on the
 * days; a live journey starting on them (its events may have been taken
 * back); an open journey that the watermark has ended (past its window) or
 * whose pending rule passed its deadline (without new events nothing else
 * would close it). Open journeys are first found without FINAL (cheap,
 * maybe stale), then checked FINAL by key.
 */
export async function readChangedKeys(
  store: Store,
  options: { pipeline: string; ranges: ReadonlyArray<[number, number]>; due: Due; after: string | undefined; limit: number },
): Promise<ChangedKey[]> {
  const { due } = options;
  const params: QueryParams = {
    pipeline: options.pipeline,
    limit: options.limit,
    watermark_ms: due.watermarkMs,
    window_ms: due.windowMs,
    rules: due.rules,
    within_ms: due.withinMs,
  };
  const after = options.after === undefined ? '' : 'AND key > {after:String}';
  if (options.after !== undefined) params['after'] = options.after;
  const isDue = `(toUnixTimestamp64Milli(start) + {window_ms:Int64} < {watermark_ms:Int64}
       OR arrayExists((o, r, t) -> o = 'pending' AND toUnixTimestamp64Milli(t) + {within_ms:Array(Int64)}[indexOf({rules:Array(String)}, r)] < {watermark_ms:Int64},
                      abandonment_outcomes, abandonment_rules, abandonment_started))`;
  const parts = [
    `SELECT key, toUnixTimestamp64Milli(start) AS t FROM journeys FINAL
      WHERE pipeline = {pipeline:String} ${after} AND is_deleted = 0 AND is_open = 1 AND ${isDue}
        AND key IN (SELECT key FROM journeys WHERE pipeline = {pipeline:String} ${after} AND is_deleted = 0 AND is_open = 1 AND ${isDue})`,
  ];
  if (options.ranges.length > 0) {
    parts.push(
      `SELECT key, toUnixTimestamp64Milli(ts) AS t FROM events
        WHERE pipeline = {pipeline:String} ${after} AND (stage_index > 0 OR exclusion_index > 0) AND (${inRanges('ts', options.ranges, params)})`,
      `SELECT key, toUnixTimestamp64Milli(start) AS t FROM journeys
        WHERE pipeline = {pipeline:String} ${after} AND is_deleted = 0 AND (${inRanges('start', options.ranges, params)})`,
    );
  }
  const rows = await store.query<{ key: string; from_ms: number | string }>(
    `SELECT key, min(t) AS from_ms FROM (${parts.join('\n UNION ALL \n')}) GROUP BY key ORDER BY key LIMIT {limit:UInt32}`,
    params,
  );
  return rows.map((row) => ({ key: row.key, fromMs: Number(row.from_ms) }));
}

/**
 * The staged or exclusion events of the keys from each key's anchor on
 * (`fromMs`: earlier events belong to journeys that cannot have changed),
 * sorted as compareStaged sorts (event id last, so ties are stable).
 */
export async function readPoints(
  store: Store,
  options: { pipeline: string; stageCount: number; keys: readonly string[]; fromMs: readonly number[] },
): Promise<Map<string, JourneyPoint[]>> {
  const params: QueryParams = { pipeline: options.pipeline };
  // As text split in SQL, like keysIn (a long Array parameter parses slowly); arrays only when a key holds a newline.
  const asText = !options.keys.some((key) => key.includes('\n'));
  params['anchor_keys'] = asText ? options.keys.join('\n') : options.keys;
  params['anchor_ms'] = asText ? options.fromMs.join(',') : options.fromMs;
  const anchorKeys = asText ? "splitByChar('\\n', {anchor_keys:String})" : '{anchor_keys:Array(String)}';
  const anchorMs = asText ? "arrayMap(x -> toInt64(x), splitByChar(',', {anchor_ms:String}))" : '{anchor_ms:Array(Int64)}';
  const text = await store.queryText(
    `SELECT key, toUnixTimestamp64Milli(ts), stage_index, exclusion_index, channel, touchpoint, device, browser, os, country, segment
       FROM events FINAL
      WHERE pipeline = {pipeline:String} AND ${keysIn(options.keys, params)} AND (stage_index > 0 OR exclusion_index > 0)
        -- transform() looks the key up in a hash table built once from the constant arrays.
        AND toUnixTimestamp64Milli(ts) >= transform(key, ${anchorKeys}, ${anchorMs}, toInt64(0))
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
    const stage = stageIndex <= options.stageCount ? stageIndex : 0;
    const exclusion = exclusionIndex <= options.stageCount ? exclusionIndex : 0;
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

export interface StoredJourney {
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
export function contentDigest(row: readonly unknown[]): string {
  // ClickHouse escapes U+2028 and U+2029, JSON.stringify does not.
  const text = JSON.stringify(row.filter((_, i) => i !== JOURNEY_VERSION_COLUMN)).replace(LINE_SEPARATORS, (c) => (c === '\u2028' ? '\\u2028' : '\\u2029'));
  return hash('sha1', text, 'hex');
}
const LINE_SEPARATORS = /[\u2028\u2029]/g;

/** The live journeys of the keys: key → journey id → start and digest. */
export async function readStoredJourneys(store: Store, pipeline: string, keys: readonly string[]): Promise<Map<string, Map<string, StoredJourney>>> {
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

export async function insertJourneyRows(store: Store, rows: readonly unknown[][]): Promise<void> {
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

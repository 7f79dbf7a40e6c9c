/**
 * The store side of refreshJourneys: which keys changed, their staged
 * events from where their journeys may have changed, the journeys stored
 * for them (as digests), and the insert. Every value travels as a query
 * parameter; only placeholders are made here.
 */
import { hash } from 'node:crypto';
import type { QueryParams, Store } from '../stores/store.js';
import { inList, inTimeRanges, listExpression, parseCompactRows } from '../stores/list-param.js';
import { JOURNEY_COLUMNS, JOURNEY_VERSION_COLUMN, type JourneyPoint } from '../sessions/journey-record.js';

/** Rows per JSON.stringify (one line of the insert, as RowBuffer does). */
const ROWS_PER_LINE = 1_000;

/** `key IN` the keys (see inList). */
function keysIn(keys: readonly string[], params: QueryParams): string {
  return inList('key', keys, params, 'keys');
}

/**
 * The identifier an event is stitched by (docs/semantics.md, "People"): its
 * userId, contactId or email, else its device.
 */
export const STITCH_IDENTIFIER = `multiIf(user_id != '', concat('u:', user_id), contact_id != '', concat('c:', contact_id),
  email_hash != '', concat('e:', email_hash), anonymous_id != '', concat('a:', anonymous_id), key)`;

/**
 * Events matching `where`, as the named columns plus `person` (the person
 * each belongs to at its time: identity_persons by ASOF join, the stitch
 * identifier itself when it has no assignment) and `t_ms`. Only the
 * assignments of `assignedIn` are read: by default those of the events'
 * own stitch identifiers.
 */
export function eventsWithPerson(columns: readonly string[], where: string, final: boolean, assignedIn = `(SELECT ${STITCH_IDENTIFIER} FROM events WHERE ${where})`): string {
  return `SELECT if(m.person_id = '', e.stitch_id, m.person_id) AS person, e.t_ms AS t_ms, ${columns.map((c) => `e.${c} AS ${c}`).join(', ')}
    FROM (SELECT ${columns.join(', ')}, ${STITCH_IDENTIFIER} AS stitch_id, toUnixTimestamp64Milli(ts) AS t_ms
            FROM events ${final ? 'FINAL' : ''} WHERE ${where}) AS e
    ASOF LEFT JOIN
         (SELECT identifier, from_ms, person_id FROM identity_persons FINAL
           WHERE pipeline = {pipeline:String} AND is_deleted = 0 AND identifier IN ${assignedIn}) AS m
      ON e.stitch_id = m.identifier AND e.t_ms >= m.from_ms`;
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
 * The next persons (sorted, after `after`, at most `limit`) to rebuild, each
 * with the earliest time it changed: the persons of staged or exclusion
 * events on the days; a live journey starting on them (its events may have
 * been taken back); `extraKeys` (sorted: persons whose identities changed,
 * rebuilt whole); an open journey that the watermark has ended (past its
 * window) or whose pending rule passed its deadline (without new events
 * nothing else would close it). Open journeys are first found without
 * FINAL (cheap, maybe stale), then checked FINAL by key.
 */
export async function readChangedKeys(
  store: Store,
  options: { pipeline: string; ranges: ReadonlyArray<[number, number]>; due: Due; after: string | undefined; limit: number; extraKeys?: readonly string[] },
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
    const staged = `pipeline = {pipeline:String} AND (stage_index > 0 OR exclusion_index > 0) AND (${inTimeRanges('ts', options.ranges, params)})`;
    parts.push(
      `SELECT person AS key, t_ms AS t FROM (${eventsWithPerson(['key'], staged, false)}) WHERE 1 ${after.replace('key', 'person')}`,
      `SELECT key, toUnixTimestamp64Milli(start) AS t FROM journeys
        WHERE pipeline = {pipeline:String} ${after} AND is_deleted = 0 AND (${inTimeRanges('start', options.ranges, params)})`,
    );
  }
  // Only the first `limit` extra keys after `after` can be in this page.
  const extra = (options.extraKeys ?? []).filter((key) => options.after === undefined || key > options.after).slice(0, options.limit);
  if (extra.length > 0) parts.push(`SELECT key, toInt64(0) AS t FROM (SELECT arrayJoin(${listExpression(extra, params, 'extra_keys')}) AS key)`);
  const rows = await store.query<{ key: string; from_ms: number | string }>(
    `SELECT key, min(t) AS from_ms FROM (${parts.join('\n UNION ALL \n')}) GROUP BY key ORDER BY key LIMIT {limit:UInt32}`,
    params,
  );
  return rows.map((row) => ({ key: row.key, fromMs: Number(row.from_ms) }));
}

/**
 * The staged or exclusion events of the persons from each person's anchor
 * on (`fromMs`: earlier events belong to journeys that cannot have
 * changed), sorted as compareStaged sorts (event id last, so ties are
 * stable). A person's events are keyed by its identifiers or by an
 * identifier linked to one of them (an event keyed by a device that carries
 * the person's userId), so those keys are read and each event's person
 * checked.
 */
export async function readPoints(
  store: Store,
  options: { pipeline: string; stageCount: number; keys: readonly string[]; fromMs: readonly number[] },
): Promise<Map<string, JourneyPoint[]>> {
  const { members, keys } = await readIdentifiersOf(store, options.pipeline, options.keys);
  const params: QueryParams = { pipeline: options.pipeline };
  const persons = listExpression(options.keys, params, 'persons');
  const anchorMs = Array.isArray(params['persons'])
    ? ((params['anchor_ms'] = options.fromMs), '{anchor_ms:Array(Int64)}')
    : ((params['anchor_ms'] = options.fromMs.join(',')), "arrayMap(x -> toInt64(x), splitByChar(',', {anchor_ms:String}))");
  // The earliest anchor bounds the read by time too (each person's own anchor is applied after the join).
  params['min_anchor_ms'] = Math.min(...options.fromMs);
  const staged = `pipeline = {pipeline:String} AND ${inList('key', keys, params, 'event_keys')} AND (stage_index > 0 OR exclusion_index > 0)
    AND ts >= fromUnixTimestamp64Milli({min_anchor_ms:Int64}, 'UTC')`;
  // An event belongs to one of the persons only if its stitch identifier is one of them or assigned to one of them:
  // the assignments of the persons' identifiers decide it (others may read wrong, but are left out).
  const assignedIn = `(SELECT arrayJoin(${listExpression([...options.keys, ...members], params, 'assigned')}))`;
  const columns = ['stage_index', 'exclusion_index', 'channel', 'touchpoint', 'device', 'browser', 'os', 'country', 'segment', 'event_id'];
  const text = await store.queryText(
    `SELECT person, t_ms, stage_index, exclusion_index, channel, touchpoint, device, browser, os, country, segment
       FROM (${eventsWithPerson(columns, staged, true, assignedIn)})
      -- transform() looks the person up in a hash table built once from the constant arrays.
      WHERE person IN (SELECT arrayJoin(${persons})) AND t_ms >= transform(person, ${persons}, ${anchorMs}, toInt64(0))
      ORDER BY person, t_ms, stage_index, event_id
      SETTINGS output_format_json_quote_64bit_integers = 0
      FORMAT JSONCompactEachRow`,
    params,
  );
  const byKey = new Map<string, JourneyPoint[]>();
  let list: JourneyPoint[] = [];
  let current: string | undefined;
  for (const row of parseCompactRows(text)) {
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

/**
 * The identifiers assigned to the persons (`members`), and the keys their
 * events are stored under: the persons, the members, and every identifier
 * linked to one of them (an event keyed by a device that carries the
 * person's userId; a shared device left out of stitching).
 */
async function readIdentifiersOf(store: Store, pipeline: string, persons: readonly string[]): Promise<{ members: string[]; keys: string[] }> {
  const params: QueryParams = { pipeline };
  const list = listExpression(persons, params, 'persons');
  // Column names differ on purpose: an alias `identifier` would stand for `other` in the WHERE.
  const rows = await store.query<{ identifier: string; member: number }>(
    `WITH members AS (SELECT DISTINCT identifier FROM identity_persons FINAL
                       WHERE pipeline = {pipeline:String} AND is_deleted = 0 AND person_id IN (SELECT arrayJoin(${list})))
     SELECT identifier, 1 AS member FROM members
     UNION ALL
     SELECT DISTINCT other, 0 AS member FROM identity_links
      WHERE pipeline = {pipeline:String} AND (identity_links.identifier IN (SELECT arrayJoin(${list})) OR identity_links.identifier IN (SELECT identifier FROM members))`,
    params,
  );
  const members = rows.filter((row) => Number(row.member) === 1).map((row) => row.identifier);
  return { members, keys: [...new Set([...persons, ...rows.map((row) => row.identifier)])] };
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
  for (const [key, journeyId, startMs, endMs, digest] of parseCompactRows(text) as Array<[string, string, number, number, string]>) {
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

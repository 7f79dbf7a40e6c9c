/**
 * The store side of refreshIdentities: the identifiers of links first seen
 * on some days, the links of identifiers (one step of a breadth-first read
 * of the graph), the stored person assignments, and their insert. Values
 * travel as query parameters.
 */
import type { QueryParams, Store } from '../stores/store.js';
import { inList, inTimeRanges, parseCompactRows } from '../stores/list-param.js';
import type { IdentityLink, PersonAssignment } from '../journey/resolve-persons.js';

export const PERSON_COLUMNS = ['pipeline', 'identifier', 'from_ms', 'person_id', 'version', 'is_deleted'] as const;

/** The next identifiers (sorted, after `after`, at most `limit`) with a link sighting written with a first-seen time in the ranges. */
export async function readSeedIdentifiers(
  store: Store,
  options: { pipeline: string; ranges: ReadonlyArray<[number, number]>; after: string | undefined; limit: number },
): Promise<string[]> {
  if (options.ranges.length === 0) return [];
  const params: QueryParams = { pipeline: options.pipeline, limit: options.limit };
  if (options.after !== undefined) params['after'] = options.after;
  const rows = await store.query<{ identifier: string }>(
    `SELECT DISTINCT identifier FROM identity_links
      WHERE pipeline = {pipeline:String} ${options.after === undefined ? '' : 'AND identifier > {after:String}'}
        AND (${inTimeRanges('first_seen', options.ranges, params)})
      ORDER BY identifier LIMIT {limit:UInt32}`,
    params,
  );
  return rows.map((row) => row.identifier);
}

/**
 * The links of the identifiers, each pair at its earliest sighting (forced
 * if any sighting was), with at most `maxOthers + 1` other identifiers per
 * identifier: one more than the guard allows is enough to know it is
 * exceeded, so a hub with a million links costs that many rows.
 */
export async function readLinksOf(store: Store, pipeline: string, identifiers: readonly string[], maxOthers: number): Promise<Map<string, IdentityLink[]>> {
  const params: QueryParams = { pipeline, per_identifier: maxOthers + 1 };
  const text = await store.queryText(
    `SELECT identifier, other, toUnixTimestamp64Milli(min(first_seen)), max(forced), min(forced)
       FROM identity_links
      WHERE pipeline = {pipeline:String} AND ${inList('identifier', identifiers, params, 'identifiers')}
      GROUP BY identifier, other
      ORDER BY identifier, other
      LIMIT {per_identifier:UInt32} BY identifier
      SETTINGS output_format_json_quote_64bit_integers = 0
      FORMAT JSONCompactEachRow`,
    params,
  );
  const byIdentifier = new Map<string, IdentityLink[]>();
  for (const [a, b, firstSeenMs, anyForced, anyUnforced] of parseCompactRows(text) as Array<[string, string, number, number, number]>) {
    let list = byIdentifier.get(a);
    if (!list) byIdentifier.set(a, (list = []));
    // A pair both aliased and seen on an ordinary event comes back as both: forced for the limits, seen outside an alias for the person id.
    if (anyForced === 1) list.push({ a, b, firstSeenMs, forced: true });
    if (anyUnforced === 0) list.push({ a, b, firstSeenMs, forced: false });
  }
  return byIdentifier;
}

/** The live assignments stored for the identifiers. */
export async function readStoredAssignments(store: Store, pipeline: string, identifiers: readonly string[]): Promise<PersonAssignment[]> {
  if (identifiers.length === 0) return [];
  const params: QueryParams = { pipeline };
  const text = await store.queryText(
    `SELECT identifier, from_ms, person_id FROM identity_persons FINAL
      WHERE pipeline = {pipeline:String} AND ${inList('identifier', identifiers, params, 'identifiers')} AND is_deleted = 0
      SETTINGS output_format_json_quote_64bit_integers = 0
      FORMAT JSONCompactEachRow`,
    params,
  );
  return (parseCompactRows(text) as Array<[string, number, string]>).map(([identifier, fromMs, personId]) => ({ identifier, fromMs, personId }));
}

/** The identifiers stored as belonging (at some time) to one of the persons. */
export async function readMembersOf(store: Store, pipeline: string, personIds: readonly string[]): Promise<string[]> {
  if (personIds.length === 0) return [];
  const params: QueryParams = { pipeline };
  const rows = await store.query<{ identifier: string }>(
    `SELECT DISTINCT identifier FROM identity_persons FINAL
      WHERE pipeline = {pipeline:String} AND ${inList('person_id', personIds, params, 'persons')} AND is_deleted = 0`,
    params,
  );
  return rows.map((row) => row.identifier);
}

export async function insertAssignmentRows(store: Store, rows: readonly unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  const lines: string[] = [];
  for (let i = 0; i < rows.length; i += 1_000) lines.push(JSON.stringify(rows.slice(i, i + 1_000)).slice(1, -1));
  await store.insertCompactRows('identity_persons', PERSON_COLUMNS, lines.join('\n') + '\n');
}

import type { Store } from '../stores/store.js';
import { localTableOf } from '../stores/cluster-layout.js';

/** One event as this processor wrote it: the copy to keep or to take back. */
export interface WrittenCopy {
  key: string;
  eventId: string;
  timestampMs: number;
}

/**
 * The stored copies of these events at other times (one row per distinct
 * copy). Read without FINAL: a copy is a copy whether or not its part has
 * merged yet. The ids, keys and times go in as one text parameter each and
 * are split in SQL: chDB parses a 10,000-element Array parameter several
 * times slower than the same text, and a copy at the written time (the
 * written event itself) is left out in SQL rather than sent back.
 */
export async function readStoredCopies(
  store: Store,
  pipeline: string,
  copies: readonly WrittenCopy[],
): Promise<Array<{ key: string; event_id: string; ts_ms: number | string }>> {
  if (copies.length === 0) return [];
  // A newline separates ids and keys (both client libraries escape it in parameters): an id that holds one only weakens its own check.
  return store.query(
    `WITH splitByChar('\\n', {ids:String}) AS ids,
          arrayMap(t -> toInt64(t), splitByChar(',', {times:String})) AS times
     SELECT DISTINCT key, event_id, toUnixTimestamp64Milli(ts) AS ts_ms FROM events
      WHERE pipeline = {pipeline:String}
        AND key IN (SELECT arrayJoin(splitByChar('\\n', {keys:String})))
        AND event_id IN (SELECT arrayJoin(ids))
        AND toUnixTimestamp64Milli(ts) != transform(event_id, ids, times, toInt64(0))`,
    {
      pipeline,
      keys: [...new Set(copies.map((copy) => copy.key))].join('\n'),
      ids: copies.map((copy) => copy.eventId).join('\n'),
      times: copies.map((copy) => copy.timestampMs).join(','),
    },
  );
}

/**
 * The copies among `written` that lose to a copy stored before them: the
 * store holds the same (key, event id) at another time. The check reads the
 * store after this processor's earlier rows are written, so a stored copy at
 * another time was written first (an earlier run, an earlier check window,
 * another consumer); a stored copy at the same time is the written one itself.
 */
export function copiesStoredBefore(
  written: readonly WrittenCopy[],
  stored: ReadonlyArray<{ key: string; event_id: string; ts_ms: number | string }>,
): WrittenCopy[] {
  const mine = new Map<string, WrittenCopy>();
  for (const copy of written) mine.set(`${copy.key}\u0000${copy.eventId}`, copy);
  const losers = new Map<string, WrittenCopy>();
  for (const row of stored) {
    const id = `${row.key}\u0000${row.event_id}`;
    const copy = mine.get(id);
    if (copy && Number(row.ts_ms) !== copy.timestampMs) losers.set(id, copy);
  }
  return [...losers.values()];
}

const DISTRIBUTED_CLUSTER = /^Distributed\('?([A-Za-z_][A-Za-z0-9_]*)'?,/;

/**
 * Takes copies back out of `events` (lightweight DELETE: deleted rows are
 * masked at once, FINAL included). On a cluster, `events` is a Distributed
 * table, which DELETE cannot target: the rows are deleted from the shards'
 * local tables ON CLUSTER.
 */
export async function deleteEventCopies(store: Store, pipeline: string, copies: readonly WrittenCopy[]): Promise<void> {
  if (copies.length === 0) return;
  const engine = await store.query<{ engine_full: string }>(
    "SELECT engine_full FROM system.tables WHERE database = currentDatabase() AND name = 'events'",
  );
  const cluster = DISTRIBUTED_CLUSTER.exec(engine[0]?.engine_full ?? '')?.[1];
  const table = cluster ? `${localTableOf('events')} ON CLUSTER ${cluster}` : 'events';
  // Tuples cannot be query parameters here: parallel arrays, zipped in SQL.
  await store.command(
    `DELETE FROM ${table} WHERE pipeline = {pipeline:String} AND key IN {keys:Array(String)}
        AND has(arrayZip({keys:Array(String)}, {ids:Array(String)}, {times:Array(Int64)}), (key, event_id, toUnixTimestamp64Milli(ts)))`,
    {
      pipeline,
      keys: copies.map((copy) => copy.key),
      ids: copies.map((copy) => copy.eventId),
      times: copies.map((copy) => copy.timestampMs),
    },
  );
  // The identity links the copies wrote (same event id, the copy's time): the stored event's own links stay.
  const links = cluster ? `${localTableOf('identity_links')} ON CLUSTER ${cluster}` : 'identity_links';
  await store.command(
    `DELETE FROM ${links} WHERE pipeline = {pipeline:String} AND event_id IN {ids:Array(String)}
        AND has(arrayZip({ids:Array(String)}, {times:Array(Int64)}), (event_id, toUnixTimestamp64Milli(first_seen)))`,
    { pipeline, ids: copies.map((copy) => copy.eventId), times: copies.map((copy) => copy.timestampMs) },
  );
}

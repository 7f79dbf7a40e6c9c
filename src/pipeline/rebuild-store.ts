import type { Store } from '../stores/store.js';
import { sessionRow } from '../stores/rows.js';
import { buildSessionRecord, buildTombstone } from '../sessions/session-record.js';
import type { SessionSnapshot, Tombstone } from '../sessions/sessionizer.js';
import { compareSessionEvents, type SessionEvent } from '../sessions/session-event.js';
import { closesAfterMs, splitSessions } from '../sessions/split-sessions.js';
import { sessionIdOf } from '../sessions/session-id.js';
import type { CompiledPipeline } from './compiled-pipeline.js';
import { RowBatcher } from './row-batcher.js';
import { readStoredEvents, readStreamState } from './stored-state.js';
import { DAY_MS, refreshRollups } from './rollup-refresh.js';

/** Keys sessionized per round: bounds the events and rows held at once. */
const KEYS_PER_ROUND = 5_000;

/** What `journeys migrate` finds of one pipeline in a store. */
export interface PipelineStoreState {
  pipeline: string;
  /** Live sessions rows. */
  sessions: number;
  /** Of those, rows written before migration 006 (no funnel progress: empty funnel_modes). */
  staleSessions: number;
  /** funnel_hourly rows (migration 006 dropped the rollups). */
  rollupRows: number;
  /** Written before identity stitching (migration 008): person-level rollups under the old level name, or events with two identifiers and no identity links. */
  unstitched: boolean;
}

/** Whether the pipeline's derived tables need a rebuild from `events`, and which. */
export function needsRebuild(state: PipelineStoreState): 'sessions' | 'rollups' | undefined {
  if (state.staleSessions > 0) return 'sessions';
  if (state.sessions > 0 && (state.rollupRows === 0 || state.unstitched)) return 'rollups';
  return undefined;
}

/**
 * Every pipeline with sessions in the store, with its stale sessions rows and
 * its rollup rows. A first pass counts rows as stored (cheap); only a
 * pipeline with stale rows is counted again FINAL, because a rebuilt session
 * replaces the stale row of the same id only when parts merge: read FINAL, a
 * rebuilt store is up to date at once.
 */
export async function inspectStore(store: Store): Promise<PipelineStoreState[]> {
  const counted = await store.query<{ pipeline: string; sessions: number | string; stale: number | string }>(
    `SELECT pipeline, countIf(is_deleted = 0) AS sessions, countIf(is_deleted = 0 AND empty(funnel_modes)) AS stale
       FROM sessions GROUP BY pipeline ORDER BY pipeline`,
  );
  const rollups = await store.query<{ pipeline: string; n: number | string }>('SELECT pipeline, count() AS n FROM funnel_hourly GROUP BY pipeline');
  const rollupRows = new Map(rollups.map((row) => [row.pipeline, Number(row.n)]));
  const states: PipelineStoreState[] = [];
  for (const row of counted) {
    let sessions = Number(row.sessions);
    let stale = Number(row.stale);
    if (stale > 0) {
      const [final] = await store.query<{ sessions: number | string; stale: number | string }>(
        `SELECT count() AS sessions, countIf(empty(funnel_modes)) AS stale FROM sessions FINAL WHERE pipeline = {pipeline:String} AND is_deleted = 0`,
        { pipeline: row.pipeline },
      );
      sessions = Number(final?.sessions ?? 0);
      stale = Number(final?.stale ?? 0);
    }
    states.push({ pipeline: row.pipeline, sessions, staleSessions: stale, rollupRows: rollupRows.get(row.pipeline) ?? 0, unstitched: await isUnstitched(store, row.pipeline) });
  }
  return states;
}

export type RebuildProgress =
  /** keysTotal: estimated before the first round (never below keysDone), exact in the stream's last report. */
  | { phase: 'sessions'; stream: string; keysDone: number; keysTotal: number }
  | { phase: 'rollups'; daysDone: number; daysTotal: number };

export interface RebuildResult {
  /** Streams whose sessions were rebuilt (none when only the rollups were). */
  streams: string[];
  keys: number;
  /** Session rows written: closed and still-open sessions. */
  sessions: number;
  openSessions: number;
  /** Ids that no longer come out of the events (retired with a tombstone). */
  tombstones: number;
  /** UTC days (ms of midnight) whose rollups and journeys were rebuilt. */
  days: number[];
  /** Days the rollup rebuild went through (days whose journeys changed included). */
  rollupDaysRebuilt: number;
}

/**
 * Rebuilds a pipeline's derived tables from its stored `events`, as a store
 * written by an earlier version needs after migration 006. With `sessions`
 * (the default), every stream's sessions are rebuilt first, exactly as
 * repair rebuilds a key's sessions (src/pipeline/repair.ts): each key's
 * events in (time, stage, id hash) order, split by the pipeline's session
 * settings, closed when the stream's watermark passed their close time and
 * written as provisional rows (is_open) otherwise, which the next run's
 * restored open groups rewrite. A rebuilt session has the version a fresh
 * ingest gives it; an earlier row of the same id and version loses to it
 * (ReplacingMergeTree keeps the last inserted), a live id that no longer
 * comes out of the events gets a tombstone. Then the rollups (and journeys)
 * of every day with sessions are rebuilt. Safe to run again: a rebuild that
 * computes the very rows an earlier one wrote may be dropped as a duplicate
 * insert (sessions keep a deduplication window), and those rows are there.
 * Events are not classified again: the stages are those stored with them.
 */
export async function rebuildStore(
  store: Store,
  pipeline: CompiledPipeline,
  options: {
    sessions?: boolean;
    onProgress?: (progress: RebuildProgress) => void;
    /** Keys read and sessionized per round (one page of a stream's keys); 5,000 unless given. */
    keysPerRound?: number;
  } = {},
): Promise<RebuildResult> {
  const result: RebuildResult = { streams: [], keys: 0, sessions: 0, openSessions: 0, tombstones: 0, days: [], rollupDaysRebuilt: 0 };
  const watermarks: number[] = [];
  const streams = await store.query<{ stream: string; max_ms: number | string }>(
    `SELECT stream, toUnixTimestamp64Milli(max(ts)) AS max_ms FROM events WHERE pipeline = {pipeline:String} GROUP BY stream ORDER BY stream`,
    { pipeline: pipeline.name },
  );
  for (const { stream, max_ms } of streams) {
    const state = await readStreamState(store, pipeline.name, stream);
    // A stream without a saved state: its watermark as a run over its events would leave it.
    const watermarkMs = state && Number.isFinite(state.watermarkMs) && state.watermarkMs >= 0 ? state.watermarkMs : Number(max_ms) - pipeline.split.allowedLatenessMs;
    watermarks.push(watermarkMs);
    if (options.sessions === false) continue;
    result.streams.push(stream);
    const written = await rebuildStreamSessions(store, pipeline, stream, watermarkMs, (keysDone, keysTotal) =>
      options.onProgress?.({ phase: 'sessions', stream, keysDone, keysTotal }),
      options.keysPerRound ?? KEYS_PER_ROUND,
    );
    result.keys += written.keys;
    result.sessions += written.sessions;
    result.openSessions += written.openSessions;
    result.tombstones += written.tombstones;
  }
  await backfillLinks(store, pipeline.name);
  result.days = await sessionDays(store, pipeline.name);
  result.rollupDaysRebuilt = await refreshRollups(store, {
    pipeline,
    days: result.days,
    // The pipeline's newest clock: an idle stream must not keep every journey open.
    watermarkMs: watermarks.length > 0 ? Math.max(...watermarks) : -Infinity,
    onDay: (daysDone, daysTotal) => options.onProgress?.({ phase: 'rollups', daysDone, daysTotal }),
  });
  return result;
}

async function rebuildStreamSessions(
  store: Store,
  pipeline: CompiledPipeline,
  stream: string,
  watermarkMs: number,
  onKeys: (done: number, total: number) => void,
  keysPerRound: number,
): Promise<{ keys: number; sessions: number; openSessions: number; tombstones: number }> {
  const where = { pipeline: pipeline.name, stream };
  // The keys come a page (round) at a time; the total is only for the progress: uniq
  // estimates it in bounded memory (exact for small streams), the last report is exact.
  const [count] = await store.query<{ n: number | string }>(
    'SELECT uniq(key) AS n FROM events WHERE pipeline = {pipeline:String} AND stream = {stream:String}',
    where,
  );
  const context = pipeline.recordContext(stream, watermarkMs);
  const rows = new RowBatcher(store);
  const counts = { keys: 0, sessions: 0, openSessions: 0, tombstones: 0 };
  let total = Number(count?.n ?? 0);
  onKeys(0, total);
  let after: string | undefined;
  for (;;) {
    const round = await streamKeysAfter(store, where, after, keysPerRound);
    if (round.length === 0) break;
    after = round[round.length - 1]!;
    const events = await readStoredEvents(store, {
      pipeline: pipeline.name,
      stream,
      keys: round,
      fromMs: -Infinity,
      toMs: Infinity,
      useSourceSessionId: pipeline.useSourceSessionId,
    });
    const byGroup = new Map<string, { key: string; events: SessionEvent[] }>();
    for (const stored of events) {
      const group = byGroup.get(stored.groupKey) ?? { key: stored.key, events: [] };
      group.events.push(stored.event);
      byGroup.set(stored.groupKey, group);
    }
    const snapshots: SessionSnapshot[] = [];
    for (const [groupKey, group] of byGroup) {
      const sorted = dedupe(group.events.sort(compareSessionEvents));
      const starts = splitSessions(
        sorted.map((event) => event.timestampMs),
        pipeline.split,
      );
      starts.forEach((from, s) => {
        const session = sorted.slice(from, starts[s + 1] ?? sorted.length);
        const closesAt = closesAfterMs(session[0]!.timestampMs, session[session.length - 1]!.timestampMs, pipeline.split);
        snapshots.push({ key: group.key, groupKey, events: session, sessionId: sessionIdOf(groupKey, session[0]!), closed: watermarkMs > closesAt });
      });
    }
    const live = new Set(snapshots.map((snapshot) => snapshot.sessionId));
    const tombstones: Tombstone[] = (await liveSessionIds(store, pipeline.name, stream, round))
      .filter((stored) => !live.has(stored.sessionId))
      .map((stored) => ({ sessionId: stored.sessionId, key: stored.key, startMs: stored.startMs }));
    rows.addRows(
      'sessions',
      snapshots.map((snapshot) => sessionRow(buildSessionRecord(snapshot, context))),
    );
    rows.addRows(
      'sessions',
      tombstones.map((tombstone) => sessionRow(buildTombstone(tombstone, where))),
    );
    counts.sessions += snapshots.length;
    counts.openSessions += snapshots.filter((snapshot) => !snapshot.closed).length;
    counts.tombstones += tombstones.length;
    await rows.shipIfFull();
    counts.keys += round.length;
    if (round.length < keysPerRound) break;
    total = Math.max(total, counts.keys + 1);
    onKeys(counts.keys, total);
  }
  if (counts.keys > 0 || total > 0) onKeys(counts.keys, counts.keys);
  await rows.flush();
  return counts;
}

/**
 * The stream's next `limit` keys in order after `after` (from the first key
 * when undefined): one page of the keys, so memory is bounded by a page
 * however many keys a stream has. The events' ORDER BY starts with
 * (pipeline, key), so a page is read in key order from the primary index.
 */
async function streamKeysAfter(store: Store, where: { pipeline: string; stream: string }, after: string | undefined, limit: number): Promise<string[]> {
  const rows = await store.query<{ key: string }>(
    `SELECT DISTINCT key FROM events
      WHERE pipeline = {pipeline:String} AND stream = {stream:String}${after === undefined ? '' : ' AND key > {after:String}'}
      ORDER BY key LIMIT {limit:UInt32}`,
    { ...where, ...(after === undefined ? {} : { after }), limit },
  );
  return rows.map((row) => row.key);
}

async function liveSessionIds(store: Store, pipeline: string, stream: string, keys: string[]): Promise<Array<{ sessionId: string; key: string; startMs: number }>> {
  const rows = await store.query<{ session_id: string; key: string; start_ms: number | string }>(
    `SELECT session_id, key, toUnixTimestamp64Milli(start) AS start_ms FROM sessions FINAL
      WHERE pipeline = {pipeline:String} AND stream = {stream:String} AND key IN {keys:Array(String)} AND is_deleted = 0`,
    { pipeline, stream, keys },
  );
  return rows.map((row) => ({ sessionId: row.session_id, key: row.key, startMs: Number(row.start_ms) }));
}

/**
 * The UTC days any sessions row of the pipeline touches, tombstones and
 * superseded rows included (their days' rollups must lose them), as ms of midnight.
 */
async function sessionDays(store: Store, pipeline: string): Promise<number[]> {
  const rows = await store.query<{ day: number | string }>(
    `SELECT DISTINCT arrayJoin(range(toUInt32(toDate(start)), toUInt32(toDate(end)) + 1)) AS day
       FROM sessions WHERE pipeline = {pipeline:String} ORDER BY day`,
    { pipeline },
  );
  return rows.map((row) => Number(row.day) * DAY_MS);
}

/** `level = 'journey'` rollup rows (the person level's old name), or linkable events without any link. */
async function isUnstitched(store: Store, pipeline: string): Promise<boolean> {
  const [row] = await store.query<{ old_level: number | string; links: number | string; linkable: number | string }>(
    `SELECT
       (SELECT count() FROM (SELECT 1 FROM funnel_hourly WHERE pipeline = {pipeline:String} AND level = 'journey' LIMIT 1)) AS old_level,
       (SELECT count() FROM (SELECT 1 FROM identity_links WHERE pipeline = {pipeline:String} LIMIT 1)) AS links,
       (SELECT count() FROM (SELECT 1 FROM events WHERE pipeline = {pipeline:String} AND ${IDENTIFIER_COUNT} >= 2 LIMIT 1)) AS linkable`,
    { pipeline },
  );
  return Number(row?.old_level ?? 0) > 0 || (Number(row?.links ?? 0) === 0 && Number(row?.linkable ?? 0) > 0);
}

const IDENTIFIER_COUNT = "((user_id != '') + (contact_id != '') + (email_hash != '') + (anonymous_id != ''))";

/**
 * A store written before identity stitching has events but no identity
 * links (or, after one run of this version, only some): they are derived
 * from the events' identifier columns, as the ingest would have written them
 * (every pair of an event's identifiers, at its earliest time). Safe to
 * repeat: readers take each pair's earliest sighting. Alias calls are not in `events` (their previousId is
 * not stored), so their links need the alias messages ingested again.
 */
async function backfillLinks(store: Store, pipeline: string): Promise<void> {
  await store.command(
    `INSERT INTO identity_links (pipeline, identifier, other, first_seen, forced, event_id)
     SELECT pipeline, pair.1, pair.2, min(ts), 0, argMin(event_id, (ts, event_id))
       FROM (
         SELECT pipeline, ts, event_id,
                arrayFilter(x -> x != '', [if(user_id != '', concat('u:', user_id), ''), if(contact_id != '', concat('c:', contact_id), ''),
                                           if(email_hash != '', concat('e:', email_hash), ''), if(anonymous_id != '', concat('a:', anonymous_id), '')]) AS ids
           FROM events WHERE pipeline = {pipeline:String} AND ${IDENTIFIER_COUNT} >= 2
       )
       ARRAY JOIN arrayFlatten(arrayMap(i -> arrayMap(j -> (ids[i], ids[j]), arrayFilter(j -> j != i, range(1, length(ids) + 1))), range(1, length(ids) + 1))) AS pair
      GROUP BY pipeline, pair.1, pair.2`,
    { pipeline },
  );
}

/** The same event stored twice (same time, id hash and stage) counts once, as in repair. */
function dedupe(sorted: SessionEvent[]): SessionEvent[] {
  return sorted.filter((event, i) => {
    const previous = sorted[i - 1];
    return !previous || previous.timestampMs !== event.timestampMs || previous.idHash !== event.idHash || previous.stageIndex !== event.stageIndex;
  });
}
